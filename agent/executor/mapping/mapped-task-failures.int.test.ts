// Mapped tasks through the real executor and kernels (python3, node, bash) when items fail or
// wait: per-item retries, the failure policies, item-by-item chaining and cancel, as the events say.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

describe("a mapped task whose items fail or wait", () => {
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
