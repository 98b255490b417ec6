import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { seedRun } from "../../test/support/seed.ts";
import { listFlowRunLogs } from "./list-logs.ts";
import { transitionFlowRun } from "./state-machine/index.ts";

const test = freshDatabase();

async function addLines(runId: string, count: number, from = 0) {
  await test.db.logLine.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      flowRunId: runId,
      line: from + i + 1,
      taskName: "extract",
      attempt: 1,
      level: i % 2 ? ("warning" as const) : ("info" as const),
      message: `line ${from + i}`,
      timestamp: new Date(1_700_000_000_000 + from + i),
    })),
  });
  await test.db.flowRun.update({ where: { id: runId }, data: { logLines: from + count } });
}

describe("reading a run's logs", () => {
  it("pages through lines in order and keeps a cursor while the run may still write", async () => {
    const { runId } = await seedRun(test.db);
    await addLines(runId, 5);
    const first = await listFlowRunLogs(test.db, runId, { limit: 3 });
    expect(first.logs.map((l) => l.message)).toEqual(["line 0", "line 1", "line 2"]);
    expect(first.logs[1]).toMatchObject({ task: "extract", attempt: 1, level: "warning" });
    expect(first.logs[0]!.timestamp).toBe(new Date(1_700_000_000_000).toISOString());
    const second = await listFlowRunLogs(test.db, runId, { after: first.next!, limit: 3 });
    expect(second.logs.map((l) => l.message)).toEqual(["line 3", "line 4"]);
    expect(second.next).not.toBeNull();
    const empty = await listFlowRunLogs(test.db, runId, { after: second.next!, limit: 3 });
    expect(empty).toEqual({ logs: [], next: second.next });
    await addLines(runId, 1, 5);
    expect(
      (await listFlowRunLogs(test.db, runId, { after: second.next!, limit: 3 })).logs.map(
        (l) => l.message,
      ),
    ).toEqual(["line 5"]);
  });

  it("ends with next = null once the run ended and every line was read", async () => {
    const { runId } = await seedRun(test.db);
    await addLines(runId, 2);
    await transitionFlowRun(test.db, { id: runId, from: ["Scheduled"], to: "Cancelled" });
    const page = await listFlowRunLogs(test.db, runId, { limit: 2 });
    expect(page.next).not.toBeNull(); // a full page: there may be more
    expect(await listFlowRunLogs(test.db, runId, { after: page.next!, limit: 2 })).toEqual({
      logs: [],
      next: null,
    });
    expect((await listFlowRunLogs(test.db, runId, { limit: 10 })).next).toBeNull();
  });

  it("an unknown run is not found", async () => {
    await expect(listFlowRunLogs(test.db, crypto.randomUUID(), { limit: 1 })).rejects.toMatchObject(
      { code: "not_found" },
    );
  });
});
