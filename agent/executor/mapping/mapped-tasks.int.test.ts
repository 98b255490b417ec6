// Mapped tasks through the real executor and kernels (python3, node, bash): items, their
// binding, order, retries, failure policies and item-by-item chaining, as the events say.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportEvent } from "../../../contract/agent-protocol.ts";
import type { FlowFileInput } from "../../../contract/flow-file/schema.ts";
import {
  claimedRun,
  execute,
  itemStates,
  resultOf,
  startKernels,
  taskEvent,
  taskStates,
  type Kernels,
} from "../../../test/support/agent-harness.ts";

let kernels: Kernels;
beforeAll(() => {
  kernels = startKernels();
});
afterAll(async () => {
  await kernels.close();
});

const listParam = (name: string) => ({ [name]: { type: "array" as const } });

function flow(tasks: FlowFileInput["tasks"], params: string[] = ["repos"]): FlowFileInput {
  return {
    name: "fan-out",
    parameters: { type: "object", properties: Object.assign({}, ...params.map(listParam)) },
    tasks,
  };
}

const mapEvents = (events: ReportEvent[], task: string) =>
  events.flatMap((e) => (e.type === "map" && e.task === task ? [e] : []));

describe("a mapped task", () => {
  it("runs once per item with the item bound and the other inputs whole; downstream gets the results in order", async () => {
    const run = await claimedRun(
      flow([
        { name: "prefix", language: "python", code: "def main():\n    return 'gh:'\n" },
        {
          name: "get_stars",
          language: "python",
          dependsOn: ["prefix"],
          map: "repos",
          mapConcurrency: 3,
          code: [
            "import time, random",
            "def main(repos, prefix):",
            "    time.sleep(random.random() / 50)  # items end out of order",
            "    print('counting', repos)",
            "    return prefix + repos.upper()",
          ].join("\n"),
        },
        {
          name: "report",
          language: "typescript",
          dependsOn: ["get_stars"],
          code: "export default ({ get_stars }: { get_stars: string[] }) => get_stars.join(',');",
        },
      ]),
      { repos: ["a", "b", "c", "d", "e"] },
    );
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Completed");
    expect(resultOf(events, "get_stars")).toEqual(["gh:A", "gh:B", "gh:C", "gh:D", "gh:E"]);
    expect(resultOf(events, "report")).toBe("gh:A,gh:B,gh:C,gh:D,gh:E");
    const [announced] = mapEvents(events, "get_stars");
    expect(announced).toMatchObject({
      count: 5,
      from: 0,
      previews: ['"a"', '"b"', '"c"', '"d"', '"e"'],
    });
    for (let i = 0; i < 5; i++)
      expect(itemStates(events, "get_stars", i)).toEqual(["Running", "Completed"]);
    const line = events.find((e) => e.type === "log" && e.item === 3);
    expect(line).toMatchObject({ task: "get_stars", attempt: 1, message: "counting d" });
    // The map announcement comes after the task starts and before any item's event.
    const first = events.findIndex((e) => e.type === "task" && e.item !== undefined);
    expect(events.indexOf(announced!)).toBeLessThan(first);
    expect(taskStates(events, "get_stars")).toEqual(["get_stars:Running", "get_stars:Completed"]);
  });

  it("keeps what an item does to its environment from the next item in the same kernel", async () => {
    const run = await claimedRun(
      flow([
        {
          name: "py",
          language: "python",
          map: "repos",
          mapConcurrency: 1,
          code: [
            "import os",
            "def main(repos):",
            "    seen = [os.environ.get('LEAKED'), os.environ.get('HOME') is not None, os.environ.get('PIPEBOOK_MAP_INDEX')]",
            "    os.environ['LEAKED'] = 'yes'",
            "    os.environ.pop('HOME', None)",
            "    return seen",
          ].join("\n"),
        },
        {
          name: "ts",
          language: "typescript",
          map: "repos",
          mapConcurrency: 1,
          code: [
            "export default () => {",
            "  const seen = [process.env.LEAKED ?? null, process.env.HOME !== undefined, process.env.PIPEBOOK_MAP_INDEX];",
            '  process.env.LEAKED = "yes";',
            "  delete process.env.HOME;",
            "  return seen;",
            "};",
          ].join("\n"),
        },
      ]),
      { repos: ["a", "b"] },
    );
    const { events } = await execute(kernels, run);
    for (const task of ["py", "ts"]) {
      expect(resultOf(events, task)).toEqual([
        [null, true, "0"],
        [null, true, "1"],
      ]);
    }
  });

  it("hands every item the other inputs whole, also after its lane's kernel was replaced", async () => {
    for (const [language, code] of [
      [
        "python",
        "import time\ndef main(repos, token):\n    if repos == 'slow':\n        time.sleep(5)\n    return f'{repos}:{token}'\n",
      ],
      [
        "typescript",
        "export default async ({ repos, token }: { repos: string; token: string }) => {\n  if (repos === 'slow') await new Promise((r) => setTimeout(r, 5000));\n  return `${repos}:${token}`;\n};",
      ],
    ] as const) {
      const run = await claimedRun(
        {
          name: "shared",
          parameters: {
            type: "object",
            properties: { repos: { type: "array" }, token: { type: "string" } },
          },
          tasks: [
            {
              name: "each",
              language,
              map: "repos",
              mapConcurrency: 1,
              mapFailure: "continue",
              timeoutSeconds: 1,
              code,
            },
          ],
        },
        { repos: ["a", "slow", "b", "c"], token: "t0k" },
      );
      const { events } = await execute(kernels, run);
      // The slow item timed out and its kernel was killed; the next items got a new one.
      expect(resultOf(events, "each")).toEqual(["a:t0k", "b:t0k", "c:t0k"]);
    }
  });

  it("caps the items in flight at mapConcurrency", async () => {
    const run = await claimedRun(
      flow([
        {
          name: "slow",
          language: "python",
          map: "repos",
          mapConcurrency: 2,
          code: "import time\ndef main(repos):\n    time.sleep(0.05)\n    return repos\n",
        },
      ]),
      { repos: [1, 2, 3, 4, 5, 6] },
    );
    const { events } = await execute(kernels, run);
    let inFlight = 0;
    let most = 0;
    for (const e of events) {
      if (e.type !== "task" || e.item === undefined) continue;
      if (e.state === "Running") most = Math.max(most, ++inFlight);
      if (e.state === "Completed") inFlight--;
    }
    expect(most).toBe(2);
  });

  it("zips several lists, and refuses lists of different lengths naming both", async () => {
    const zipped = await claimedRun(
      flow(
        [
          {
            name: "pair",
            language: "shell",
            map: ["repos", "owners"],
            code: 'echo "$OWNERS/$REPOS"',
          },
        ],
        ["repos", "owners"],
      ),
      { repos: ["x", "y"], owners: ["o1", "o2"] },
    );
    const ok = await execute(kernels, zipped);
    expect(ok.end).toBe("Completed");
    expect(resultOf(ok.events, "pair")).toEqual(["o1/x", "o2/y"]);

    const uneven = await claimedRun(
      zipped.tasks.length
        ? flow(
            [{ name: "pair", language: "shell", map: ["repos", "owners"], code: "echo" }],
            ["repos", "owners"],
          )
        : flow([]),
      { repos: ["x", "y", "z"], owners: ["o1"] },
    );
    const bad = await execute(kernels, uneven);
    expect(bad.end).toBe("Failed");
    expect(taskEvent(bad.events, "pair", "Failed").error).toMatchObject({
      type: "MapLengthMismatch",
      message: expect.stringMatching(/"repos" has 3 items, "owners" has 1/),
    });
    expect(mapEvents(bad.events, "pair")).toEqual([]);
  });

  it("refuses to map over something that is not a list", async () => {
    const run = await claimedRun(
      flow([
        {
          name: "each",
          language: "python",
          map: "repos",
          code: "def main(repos):\n    return 1\n",
        },
      ]),
      { repos: "not-a-list" },
    );
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Failed");
    expect(taskEvent(events, "each", "Failed").error?.message).toMatch(
      /mapped over "repos", which is a string .*not a list/,
    );
  });

  it("completes an empty list with an empty result, and downstream runs on it", async () => {
    const run = await claimedRun(
      flow([
        {
          name: "each",
          language: "python",
          map: "repos",
          code: "def main(repos):\n    return 1\n",
        },
        {
          name: "count",
          language: "python",
          dependsOn: ["each"],
          code: "def main(each):\n    return len(each)\n",
        },
      ]),
      { repos: [] },
    );
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Completed");
    expect(resultOf(events, "each")).toEqual([]);
    expect(resultOf(events, "count")).toBe(0);
    expect(mapEvents(events, "each")).toMatchObject([{ count: 0, previews: [] }]);
  });

  it("retries an item on its own: the flaky item makes 3 attempts, the others 1", async () => {
    const run = await claimedRun(
      flow([
        {
          name: "get_stars",
          language: "python",
          map: "repos",
          retries: 3,
          code: [
            "import os",
            "def main(repos):",
            "    if repos == 'flaky':",
            "        marker = 'flaky-attempts'",
            "        n = int(open(marker).read()) if os.path.exists(marker) else 0",
            "        open(marker, 'w').write(str(n + 1))",
            "        if n < 2:",
            "            raise RuntimeError(f'rate limited (attempt {n + 1})')",
            "    return len(repos)",
          ].join("\n"),
        },
      ]),
      { repos: ["ok", "flaky", "fine"] },
    );
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Completed");
    expect(resultOf(events, "get_stars")).toEqual([2, 5, 4]);
    expect(itemStates(events, "get_stars", 1)).toEqual([
      "Running", "Retrying", "Running", "Retrying", "Running", "Completed",
    ]); // prettier-ignore
    expect(itemStates(events, "get_stars", 0)).toEqual(["Running", "Completed"]);
    const last = events.findLast((e) => e.type === "task" && e.item === 1);
    expect(last).toMatchObject({ attempt: 3 });
  });

  it("fails as a whole when an item fails (fail): the cause names the item; downstream does not run", async () => {
    const run = await claimedRun(
      flow([
        {
          name: "each",
          language: "python",
          map: "repos",
          code: "def main(repos):\n    if repos == 'bad':\n        raise ValueError('no such repo')\n    return repos\n",
        },
        {
          name: "after",
          language: "python",
          dependsOn: ["each"],
          code: "def main(each):\n    return each\n",
        },
      ]),
      { repos: ["good", "bad", "also-good"] },
    );
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Failed");
    // Every item ran: a retry of the run re-runs only the failed one.
    expect(itemStates(events, "each", 2)).toEqual(["Running", "Completed"]);
    expect(taskEvent(events, "each", "Failed").error).toMatchObject({
      type: "ItemFailed",
      item: 1,
      message: 'item 1 ("bad") of 3 failed: ValueError: no such repo',
    });
    expect(taskEvent(events, "after", "NotRun").error?.message).toMatch(
      /upstream task "each" failed/,
    );
  });

  it("passes the successful results and the failures downstream (continue)", async () => {
    const run = await claimedRun(
      flow([
        {
          name: "each",
          language: "python",
          map: "repos",
          mapFailure: "continue",
          code: "def main(repos):\n    if repos == 'bad':\n        raise ValueError('no such repo')\n    return repos.upper()\n",
        },
        {
          name: "after",
          language: "python",
          dependsOn: ["each"],
          code: "def main(each, each_failures):\n    return {'ok': each, 'failed': each_failures}\n",
        },
      ]),
      { repos: ["good", "bad", "fine"] },
    );
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Completed");
    expect(resultOf(events, "each")).toEqual(["GOOD", "FINE"]);
    expect(resultOf(events, "after")).toEqual({
      ok: ["GOOD", "FINE"],
      failed: [{ index: 1, error: { type: "ValueError", message: "no such repo" } }],
    });
  });

  it("chains a task mapped over a mapped upstream item by item", async () => {
    const run = await claimedRun(
      flow([
        {
          name: "first",
          language: "python",
          map: "repos",
          mapConcurrency: 1,
          code: "import time\ndef main(repos):\n    time.sleep(0.1)\n    if repos == 3:\n        raise ValueError('three')\n    return repos * 10\n",
        },
        {
          name: "second",
          language: "typescript",
          dependsOn: ["first"],
          map: "first",
          mapConcurrency: 2,
          code: "export default ({ first }: { first: number }) => first + 1;",
        },
      ]),
      { repos: [0, 1, 2, 3, 4, 5] },
    );
    const { end, events } = await execute(kernels, run);
    expect(end).toBe("Failed");
    const at = (task: string, item: number, state: string) =>
      events.findIndex(
        (e) => e.type === "task" && e.task === task && e.item === item && e.state === state,
      );
    // Item 0 of the second task ran before the first task's last item ended.
    expect(at("second", 0, "Completed")).toBeLessThan(at("first", 5, "Completed"));
    expect(itemStates(events, "second", 2)).toEqual(["Running", "Completed"]);
    expect(itemStates(events, "second", 3)).toEqual(["NotRun"]);
    const skipped = events.find((e) => e.type === "task" && e.task === "second" && e.item === 3);
    expect(skipped).toMatchObject({
      error: { message: 'did not run: item 3 of upstream task "first" failed' },
    });
    // The upstream failed as a whole, so the chained task ends NotRun, naming it.
    expect(taskStates(events, "second")).toEqual(["second:Running", "second:NotRun"]);
    expect(taskEvent(events, "first", "Failed").error).toMatchObject({ item: 3 });
  });

  it("cancels the items that did not start when the run is cancelled", async () => {
    const controller = new AbortController();
    const run = await claimedRun(
      flow([
        {
          name: "slow",
          language: "python",
          map: "repos",
          mapConcurrency: 2,
          code: "import time\ndef main(repos):\n    time.sleep(0.2)\n    return repos\n",
        },
      ]),
      { repos: [1, 2, 3, 4, 5, 6, 7, 8] },
    );
    setTimeout(() => controller.abort("cancel"), 300);
    const { end, events } = await execute(kernels, run, { signal: controller.signal });
    expect(end).toBe("Cancelled");
    expect(itemStates(events, "slow", 7)).toEqual(["Cancelled"]);
    expect(taskStates(events, "slow").at(-1)).toBe("slow:Cancelled");
  });
});
