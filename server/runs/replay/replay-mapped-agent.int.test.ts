// Retry from failure of a mapped task with the real agent (the bundle a VM downloads, its Python
// child processes), on PGlite and PostgreSQL: 2 of 10 items fail while a variable says their
// repositories are broken; the variable is fixed; the replay runs those 2 items — and only them —
// again, reuses the other 8, and the mapped task's result is the whole list in item order, so the
// task after it runs on it.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { FlowFileInput } from "../../../contract/flow-file/schema.ts";
import { freshDatabase } from "../../../test/support/database.ts";
import { liveServer, startLiveAgent } from "../../../test/support/live-agent.ts";
import { seedDeployment, uniqueName } from "../../../test/support/seed.ts";
import { setVariable } from "../../variables/set-variable.ts";
import { createFlowRun } from "../create-flow-run.ts";
import { listItems } from "../items/list-items.ts";
import { listFlowRunLogs } from "../list-logs.ts";
import { waitForFlowRun } from "../wait-for-run.ts";
import { replayFlowRun } from "./replay-flow-run.ts";

const test = freshDatabase();
const server = liveServer(test);
beforeAll(() => {
  startLiveAgent(server);
});

const REPOS = Array.from({ length: 10 }, (_, i) => `org/repo-${i}`);
const STARS = REPOS.map((_, i) => i * 10);

const flow = (variable: string): FlowFileInput => ({
  name: uniqueName("stars"),
  parameters: {
    type: "object",
    properties: { repos: { type: "array", items: { type: "string" }, default: REPOS } },
  },
  tasks: [
    {
      name: "get_stars",
      language: "python",
      map: "repos",
      variables: [variable],
      code: [
        "from pipebook import get_variable",
        "def main(repos):",
        "    print('fetching', repos)",
        `    if repos in get_variable('${variable}'):`,
        "        raise RuntimeError('rate limited on ' + repos)",
        "    return int(repos.split('-')[1]) * 10",
      ].join("\n"),
    },
    {
      name: "total",
      language: "typescript",
      dependsOn: ["get_stars"],
      code: "export default ({ get_stars }: { get_stars: number[] }) => get_stars.reduce((a, b) => a + b, 0);",
    },
  ],
});

const ended = (id: string) =>
  waitForFlowRun(test.db, id, { timeoutMs: 60_000, lateAfterMs: 60_000, leaseMs: 15_000 });

const CLI = path.resolve(import.meta.dirname, "../../../bin/pipebook.mjs");

/** `pipebook …` (the CLI bundle) against the test's server: its stdout, whatever its exit code. */
async function pipebook(...args: string[]): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [CLI, ...args, "--api-url", server.url, "--api-key", server.apiKey],
      { timeout: 30_000 },
    );
    return stdout;
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string };
    if (typeof failed.code !== "number") throw error;
    return failed.stdout ?? "";
  }
}

const allItems = async (id: string) =>
  (await listItems(test.db, id, "get_stars", { offset: 0, limit: 100 })).items;

describe("Retry from failure of a mapped task, with the real agent", () => {
  it("runs only the 2 failed items again; the result is the whole list in order, and the downstream runs", async () => {
    const variable = uniqueName("BROKEN").replace("-", "_");
    await setVariable(test.db, { name: variable, value: ["org/repo-3", "org/repo-7"] });
    const { deploymentId } = await seedDeployment(test.db, flow(variable));
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const first = await ended(id);
    expect(first.state).toBe("Failed");
    expect(first.taskRuns.map((t) => [t.name, t.state])).toEqual([
      ["get_stars", "Failed"],
      ["total", "NotRun"],
    ]);
    expect(first.taskRuns[0]!.items?.states).toMatchObject({ Completed: 8, Failed: 2 });
    expect((await allItems(id)).filter((i) => i.state === "Failed").map((i) => i.index)).toEqual([
      3, 7,
    ]);

    // What a user sees from a shell: which items failed and why, and one item's lines.
    const failedTable = (await pipebook("run", "items", id, "get_stars", "--state", "Failed"))
      .trimEnd()
      .split("\n");
    expect(failedTable).toHaveLength(3);
    expect(failedTable[0]).toMatch(/^INDEX +STATE +ATTEMPTS +DURATION +INPUT +ERROR$/);
    expect(failedTable[1]).toMatch(
      /^3 +Failed +1 +[\d.]+ m?s +"org\/repo-3" +RuntimeError: rate limited on org\/repo-3$/,
    );
    expect(failedTable[2]).toMatch(/^7 +Failed +1 /);
    expect(await pipebook("logs", id, "--task", "get_stars", "--item", "7")).toMatch(
      /^\S+Z get_stars\[7\]#1 INFO fetching org\/repo-7\n/,
    );

    // Watching it tells the mapped task as one, with its failed items.
    const watched = await pipebook("watch", id);
    expect(watched).toMatch(/ get_stars\[3\] Failed: rate limited on org\/repo-3\n/);
    expect(watched).toMatch(/ get_stars\[7\] \| fetching org\/repo-7\n/);
    expect(watched).toMatch(/ get_stars ×10 Failed \(8 done, 2 failed\): item 3 /);
    expect(watched).not.toMatch(/get_stars\[\d+\] (Running|Completed)/);

    // The fix: the repositories are reachable again.
    await setVariable(test.db, { name: variable, value: [] });
    const preview = await pipebook("retry", id, "--from-failure", "--dry-run");
    expect(preview).toContain("re-runs: get_stars (2 of 10 items), total; reuses: nothing\n");
    expect(preview).toContain(
      `get_stars  Failed in run ${id.slice(0, 8)}: 2 of 10 items run again, 8 reused\n`,
    );
    const replay = await replayFlowRun(test.db, { runId: id, kind: "fromFailure", version: "run" });
    expect(replay.reusedItems).toEqual([{ task: "get_stars", items: 8 }]);
    const fixed = await ended(replay.id);
    expect(fixed.state).toBe("Completed");
    expect(fixed.taskRuns.map((t) => [t.name, t.state, t.result])).toEqual([
      ["get_stars", "Completed", STARS],
      ["total", "Completed", 450],
    ]);
    expect(fixed.taskRuns[0]!.items).toMatchObject({
      count: 10,
      states: { Completed: 2, Cached: 8, Failed: 0, Pending: 0, Running: 0 },
    });

    // Only items 3 and 7 ran (one attempt each); the others are the first run's results.
    const items = await allItems(replay.id);
    expect(items.map((i) => [i.index, i.state, i.attempts, i.result, i.resultFrom])).toEqual(
      REPOS.map((_, i) =>
        i === 3 || i === 7 ? [i, "Completed", 1, i * 10, null] : [i, "Cached", 0, i * 10, id],
      ),
    );
    const logs = await listFlowRunLogs(test.db, replay.id, { task: "get_stars", limit: 100 });
    // (Items run side by side: their lines interleave in any order.)
    const lines = logs.logs.map((l) => [l.item, l.attempt, l.message]);
    expect(lines.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [3, 1, "fetching org/repo-3"],
      [7, 1, "fetching org/repo-7"],
    ]);
    const table = (await pipebook("run", "items", replay.id, "get_stars")).trimEnd().split("\n");
    expect(table).toHaveLength(11);
    expect(table[1]).toMatch(
      new RegExp(`^0 +Cached \\(from run ${id.slice(0, 8)}\\) +0 +— +"org/repo-0" +-$`),
    );
    expect(table[4]).toMatch(/^3 +Completed +1 +[\d.]+ m?s +"org\/repo-3" +-$/);
    expect(await pipebook("watch", replay.id)).toMatch(
      / get_stars ×10 Completed \(10 done, 0 failed\) → \[0,10,20,30,40,50,60,70,80,90\]\n/,
    );
    // The first run's items stand as they were.
    expect((await allItems(id)).map((i) => i.attempts)).toEqual(REPOS.map(() => 1));
  });

  it("a chain of mapped tasks: the upstream reused whole, the failed items of the chained task run again", async () => {
    const variable = uniqueName("BROKEN").replace("-", "_");
    await setVariable(test.db, { name: variable, value: [4] });
    const chain: FlowFileInput = {
      name: uniqueName("chain"),
      parameters: {
        type: "object",
        properties: {
          xs: { type: "array", items: { type: "integer" }, default: [0, 1, 2, 3, 4, 5] },
        },
      },
      tasks: [
        {
          name: "first",
          language: "python",
          map: "xs",
          code: "def main(xs):\n    print('first', xs)\n    return xs * 10\n",
        },
        {
          name: "second",
          language: "python",
          map: "first",
          dependsOn: ["first"],
          variables: [variable],
          code: [
            "from pipebook import get_variable",
            "def main(first):",
            "    print('second', first)",
            `    if first // 10 in get_variable('${variable}'):`,
            "        raise ValueError('bad item')",
            "    return first + 1",
          ].join("\n"),
        },
      ],
    };
    const { deploymentId } = await seedDeployment(test.db, chain);
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    expect((await ended(id)).taskRuns.map((t) => [t.name, t.state])).toEqual([
      ["first", "Completed"],
      ["second", "Failed"],
    ]);
    await setVariable(test.db, { name: variable, value: [] });
    const replay = await replayFlowRun(test.db, { runId: id, kind: "fromFailure", version: "run" });
    expect(replay.reused).toEqual([{ task: "first", fromRun: id }]);
    expect(replay.reusedItems).toEqual([{ task: "second", items: 5 }]);
    const fixed = await ended(replay.id);
    expect(fixed.taskRuns.map((t) => [t.name, t.state, t.result])).toEqual([
      ["first", "Cached", [0, 10, 20, 30, 40, 50]],
      ["second", "Completed", [1, 11, 21, 31, 41, 51]],
    ]);
    const logs = await listFlowRunLogs(test.db, replay.id, { limit: 100 });
    expect(logs.logs.map((l) => [l.task, l.item, l.message])).toEqual([["second", 4, "second 40"]]);
  });
});
