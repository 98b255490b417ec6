// A mapped task's large item results with the real agent, on PGlite and PostgreSQL: each item
// whose result passes the 256 KB inline limit goes to the run's storage on its own; the items
// chained to it, the task's whole list (downstream), the run page and Retry from failure (which
// keeps the completed items) read them back.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { liveServer, startLiveAgent } from "../../test/support/live-agent.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { replayFlowRun } from "../runs/replay/replay-flow-run.ts";
import { getTaskDetail, getTaskResult } from "../runs/run-page/get-task-detail.ts";
import { waitForFlowRun } from "../runs/wait-for-run.ts";
import { installLocalStorageRoot } from "./storages.ts";

const test = freshDatabase();
const server = liveServer(test);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-storage-"));
// Outside /tmp: a task's sandbox has a /tmp of its own (agent/isolation/sandbox.ts).
const markers = fs.mkdtempSync(path.join("/var/tmp", "pipebook-marker-"));
const marker = path.join(markers, "fail-item-1");
beforeAll(() => {
  installLocalStorageRoot(root);
  startLiveAgent(server);
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(markers, { recursive: true, force: true });
});

const ended = (id: string) =>
  waitForFlowRun(test.db, id, { timeoutMs: 60_000, lateAfterMs: 60_000, leaseMs: 15_000 });

// Items 0 and 2 return 400 strings of 1 KB (~410 KB of JSON, over the inline limit); item 1 a
// small list — and fails while the marker file exists.
const flow = (): FlowFileInput => ({
  name: uniqueName("mapped-large"),
  parameters: { type: "object", properties: { sizes: { type: "array" } } },
  tasks: [
    {
      name: "make",
      language: "python",
      map: "sizes",
      code: [
        "import os",
        "def main(sizes):",
        `    if sizes == 1 and os.path.exists(${JSON.stringify(marker)}):`,
        "        raise RuntimeError('item 1 fails while the marker is there')",
        "    return ['%d-%03d' % (sizes, i) + 'w' * 1000 for i in range(400 if sizes != 1 else 3)]",
      ].join("\n"),
    },
    {
      name: "count",
      language: "typescript",
      dependsOn: ["make"],
      map: "make",
      code: "export default ({ make }: { make: string[] }) => `${make.length}:${make.at(-1)!.slice(0, 5)}`;",
    },
    {
      name: "total",
      language: "python",
      dependsOn: ["make"],
      code: "def main(make):\n    return [len(items) for items in make]",
    },
  ],
});

const item = (runId: string, task: string, mapIndex: number) =>
  test.db.result.findFirst({ where: { taskRun: { flowRunId: runId, name: task, mapIndex } } });

describe("a mapped task's large item results", () => {
  it("go to storage item by item; chained items, the whole list, the run page and Retry from failure read them", async () => {
    fs.writeFileSync(marker, "");
    const { deploymentId } = await seedDeployment(test.db, flow());
    const { id } = await createFlowRun(test.db, {
      deploymentId,
      parameters: { sizes: [0, 1, 2] },
      leaseMs: 15_000,
    });
    const first = await ended(id);
    expect(first.state).toBe("Failed");

    // The completed large items are stored, each on its own, and their chained items read them.
    const stored = await item(id, "make", 0);
    expect(stored?.value).toBeNull();
    expect(stored?.storageKey).toMatch(new RegExp(`^runs/${id}/make\\.0/`));
    expect(fs.statSync(path.join(root, stored!.storageKey!)).size).toBe(stored!.sizeBytes);
    expect(stored!.sizeBytes).toBeGreaterThan(256 * 1024);
    expect((await item(id, "count", 0))?.value).toBe("400:0-399");
    expect((await item(id, "count", 2))?.value).toBe("400:2-399");

    // The run page shows an item's stored result.
    const detail = await getTaskDetail(test.db, id, "make", 2);
    expect(detail.result).toMatchObject({ kind: "value", sizeBytes: stored!.sizeBytes });
    const whole = await getTaskResult(test.db, id, "make", 2);
    expect((whole?.value as string[]).at(-1)?.slice(0, 5)).toBe("2-399");

    // Retry from failure: items 0 and 2 are kept (their stored results reused), item 1 runs.
    fs.rmSync(marker);
    const replay = await replayFlowRun(test.db, { runId: id, kind: "fromFailure", version: "run" });
    const again = await ended(replay.id);
    expect(again.state, JSON.stringify(again.taskRuns)).toBe("Completed");
    expect(again.taskRuns.find((t) => t.name === "total")!.result).toEqual([400, 3, 400]);
    const kept = await item(replay.id, "make", 0);
    expect(kept?.storageKey).toBe(stored!.storageKey);
    // The whole list, put together from the stored items, is stored too.
    const list = await test.db.result.findFirst({
      where: { taskRun: { flowRunId: replay.id, name: "make", mapIndex: -1 } },
    });
    expect(list?.value).toBeNull();
    expect(list!.sizeBytes).toBeGreaterThan(2 * stored!.sizeBytes);
    const listed = (await getTaskResult(test.db, replay.id, "make"))?.value as string[][];
    expect(listed.map((items) => items.length)).toEqual([400, 3, 400]);
    expect(listed[1]![2]!.slice(0, 5)).toBe("1-002");
  });
});
