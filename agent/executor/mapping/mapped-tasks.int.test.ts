// Mapped tasks through the real executor and kernels (python3, node, bash): items, their
// binding, order, zipped and empty lists, as the events say (failures: mapped-task-failures).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportEvent } from "../../../contract/agent-protocol.ts";
import {
  claimedRun,
  execute,
  itemStates,
  listFlow as flow,
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
});
