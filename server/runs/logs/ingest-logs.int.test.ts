// Log lines through the real report path (apply-report.ts): numbered 1..n in the order sent,
// across batches and chunks, once each — a re-sent batch is acknowledged without storing its lines
// again, and a batch out of order is refused without storing anything.
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../../test/support/database.ts";
import { block, completion, heldRun, report } from "../../../test/support/logs.ts";
import { listFlowRunLogs } from "../list-logs.ts";
import { readLogWindow } from "./read-logs.ts";

const test = freshDatabase();
const numbers = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => String(from + i));

describe("storing a run's log lines from its agent's reports", () => {
  it("numbers every line in the order sent, across blocks, batches and chunk boundaries", async () => {
    const held = await heldRun(test.db);
    // 2,500 lines of one block: more than one chunk (1,000 lines each).
    expect(await report(test.db, held, { logs: [block("extract", numbers(0, 2500))] })).toEqual({
      applied: true,
      cancel: false,
    });
    await report(test.db, held, {
      logs: [
        block("extract", ["to stderr"], "warning"),
        block(null, ["the agent speaks"]),
        block("report", numbers(2500, 10)),
      ],
    });
    // A version 1 agent: a line per event, after them the blocks of the same batch.
    await report(test.db, held, {
      events: [
        { type: "log", task: "notify", attempt: 2, level: "error", message: "v1 a", at: "2026-11-30T12:00:01.000Z" },
        { type: "log", task: "notify", attempt: 2, level: "error", message: "v1 b", at: "2026-11-30T12:00:01.005Z" },
      ],
      logs: [block("extract", ["after v1"])],
    }); // prettier-ignore
    const window = await readLogWindow(test.db, held.runId, { from: 1, to: 10_000 });
    expect(window.total).toBe(2515);
    expect(window.lines.map((l) => l.line)).toEqual(Array.from({ length: 2515 }, (_, i) => i + 1));
    expect(window.lines.slice(0, 2500).map((l) => l.message)).toEqual(numbers(0, 2500));
    expect(window.lines.slice(2500).map((l) => [l.task, l.attempt, l.level, l.message])).toEqual([
      ["extract", 1, "warning", "to stderr"],
      [null, null, "info", "the agent speaks"],
      ...numbers(2500, 10).map((m) => ["report", 1, "info", m]),
      ["notify", 2, "error", "v1 a"],
      ["notify", 2, "error", "v1 b"],
      ["extract", 1, "info", "after v1"],
    ]);
    // Each line keeps its own time (offsets within the block).
    expect(window.lines[1000]!.timestamp).toBe("2026-11-30T12:00:01.000Z");
    expect(window.lines[2513]!.timestamp).toBe("2026-11-30T12:00:01.005Z");
  });

  it("stores a re-sent batch once and refuses a batch out of order", async () => {
    const held = await heldRun(test.db);
    const first = { logs: [block("extract", ["one", "two"])] };
    await report(test.db, held, first);
    // The agent lost the answer and sends batch 1 again: acknowledged, not applied.
    expect(await report(test.db, held, { ...first, seq: 1 })).toEqual({
      applied: false,
      cancel: false,
    });
    // Batch 3 before batch 2: refused, nothing stored.
    await expect(
      report(test.db, held, { logs: [block("extract", ["three?"])], seq: 3 }),
    ).rejects.toMatchObject({ code: "conflict" });
    await report(test.db, held, { logs: [block("extract", ["three"])] });
    const page = await listFlowRunLogs(test.db, held.runId, { limit: 100 });
    expect(page.logs.map((l) => [l.line, l.message])).toEqual([
      [1, "one"],
      [2, "two"],
      [3, "three"],
    ]);
    expect(page.total).toBe(3);
  });

  it("stores a run's last lines with its final state, so a reader that sees it ended has them all", async () => {
    const held = await heldRun(test.db);
    await report(test.db, held, {
      events: [{ type: "flow", state: "Running", at: new Date().toISOString() }],
      logs: [block("extract", ["first"])],
    });
    const running = await listFlowRunLogs(test.db, held.runId, { limit: 100 });
    expect(running.next).toBe("1"); // running: more may come
    await report(test.db, held, {
      logs: [block("extract", ["last"])],
      events: completion(),
    });
    const ended = await listFlowRunLogs(test.db, held.runId, { after: running.next!, limit: 100 });
    expect(ended.logs.map((l) => l.message)).toEqual(["last"]);
    expect(ended.next).toBeNull();
  });
});
