// Reading a run's log the ways the viewer, the API and the CLI do: windows by line number,
// filtered pages forwards and backwards, the tail, and the text download — with `next` and
// `previous` cursors that page on without gaps or repeats.
import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../../test/support/database.ts";
import { block, completion, heldRun, report, type HeldRun } from "../../../test/support/logs.ts";
import { listFlowRunLogs } from "../list-logs.ts";
import { downloadRunLogs } from "./download-logs.ts";
import { readLogWindow } from "./read-logs.ts";

const test = freshDatabase();
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const texts = (prefix: string, count: number) => range(0, count).map((i) => `${prefix} ${i}`);

// Lines 1–1500 extract (line 701 holds "NeEdLe"), 1501–1800 report warnings, 1801–1810 extract
// errors, 1811 the run's own line, 1812–3011 extract again: 3,011 lines in 7 chunks.
let held: HeldRun;
beforeAll(async () => {
  held = await heldRun(test.db);
  const extract = texts("extract line", 1500);
  extract[700] = "found the NeEdLe here";
  await report(test.db, held, { logs: [block("extract", extract)] });
  await report(test.db, held, {
    logs: [
      block("report", texts("report warning", 300), "warning"),
      block("extract", texts("extract error", 10), "error"),
      block(null, ["agent note"]),
    ],
  });
  await report(test.db, held, { logs: [block("extract", texts("extract more", 1200))] });
});

const read = (query: Parameters<typeof listFlowRunLogs>[2]) =>
  listFlowRunLogs(test.db, held.runId, query);
const numbers = (page: { logs: { line: number }[] }) => page.logs.map((l) => l.line);

describe("a window of lines by number", () => {
  it("answers any stretch of the log, across chunks, with each line's place and fields", async () => {
    const first = await readLogWindow(test.db, held.runId, { from: 1, to: 201 });
    expect(first).toMatchObject({ total: 3011, ended: false });
    expect(first.lines.map((l) => l.line)).toEqual(range(1, 201));
    expect(first.lines[0]).toMatchObject({
      task: "extract",
      attempt: 1,
      level: "info",
      message: "extract line 0",
    });
    const middle = await readLogWindow(test.db, held.runId, { from: 1495, to: 1815 });
    expect(middle.lines.map((l) => l.line)).toEqual(range(1495, 1815));
    expect(middle.lines.map((l) => l.message).slice(5, 7)).toEqual([
      "extract line 1499",
      "report warning 0",
    ]);
    expect(middle.lines.find((l) => l.line === 1811)).toMatchObject({
      task: null,
      attempt: null,
      message: "agent note",
    });
    const end = await readLogWindow(test.db, held.runId, { from: 3000, to: 3100 });
    expect(end.lines.map((l) => l.line)).toEqual(range(3000, 3012));
    expect(end.lines.at(-1)!.message).toBe("extract more 1199");
    expect((await readLogWindow(test.db, held.runId, { from: 4000, to: 4100 })).lines).toEqual([]);
  });

  it("says when the run is not there", async () => {
    await expect(
      readLogWindow(test.db, crypto.randomUUID(), { from: 1, to: 10 }),
    ).rejects.toMatchObject({ code: "not_found" });
    await expect(listFlowRunLogs(test.db, "not-a-run", { limit: 1 })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

describe("filtered pages", () => {
  it("pages forwards through one task's lines, and knows where it scanned to", async () => {
    const first = await read({ task: "report", limit: 100 });
    expect(numbers(first)).toEqual(range(1501, 1601));
    expect(first.next).toBe("1600");
    expect(first.previous).toBeNull();
    const third = await read({ task: "report", after: "1700", limit: 100 });
    expect(numbers(third)).toEqual(range(1701, 1801));
    const beyond = await read({ task: "report", after: third.next!, limit: 100 });
    // Nothing more yet; the run goes on, so the cursor moves to the end of what was scanned.
    expect(beyond).toMatchObject({ logs: [], next: "3011", total: 3011 });
  });

  it("filters by levels, by text (case-insensitive) and by all at once", async () => {
    const bad = await read({ levels: ["warning", "error"], limit: 400 });
    expect(numbers(bad)).toEqual(range(1501, 1811));
    expect(bad.next).toBe("3011");
    expect(numbers(await read({ q: "needle", limit: 100 }))).toEqual([701]);
    expect(numbers(await read({ q: "EXTRACT ERROR", limit: 100 }))).toEqual(range(1801, 1811));
    const all = await read({ task: "extract", levels: ["error"], q: "error 3", limit: 100 });
    expect(all.logs.map((l) => [l.line, l.message])).toEqual([[1804, "extract error 3"]]);
    expect(await read({ q: "no such text", limit: 100 })).toMatchObject({ logs: [], next: "3011" });
  });

  it("pages backwards before a line, to the start of the log", async () => {
    const page = await read({ task: "extract", before: "1501", limit: 5 });
    expect(numbers(page)).toEqual(range(1496, 1501));
    expect(page.previous).toBe("1496");
    expect(page.next).toBe("1500");
    const earlier = await read({ task: "extract", before: page.previous!, limit: 5 });
    expect(numbers(earlier)).toEqual(range(1491, 1496));
    const start = await read({ before: "3", limit: 5 });
    expect(numbers(start)).toEqual([1, 2]);
    expect(start.previous).toBeNull();
    // Backwards over a filter that skips whole chunks.
    expect(numbers(await read({ levels: ["warning"], before: "3000", limit: 3 }))).toEqual([
      1798, 1799, 1800,
    ]);
  });

  it("answers the last lines, filtered or not", async () => {
    const tail = await read({ tail: 3, limit: 1000 });
    expect(numbers(tail)).toEqual([3009, 3010, 3011]);
    expect(tail.next).toBe("3011");
    expect(tail.previous).toBe("3009");
    expect(numbers(await read({ tail: 2, task: "report", limit: 1000 }))).toEqual([1799, 1800]);
    expect(numbers(await read({ tail: 2, q: "needle", limit: 1000 }))).toEqual([701]);
  });

  it("refuses two ways of paging at once", async () => {
    await expect(read({ after: "1", before: "5", limit: 10 })).rejects.toMatchObject({
      code: "bad_request",
    });
  });
});

describe("the text download", () => {
  it("streams every line that passes the filters as text", async () => {
    const text = await new Response(
      await downloadRunLogs(test.db, held.runId, { levels: ["warning"] }),
    ).text();
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(300);
    expect(lines[0]).toMatch(/^2026-11-30T12:00:00\.000Z report#1 WARNING report warning 0$/);
    const all = await new Response(await downloadRunLogs(test.db, held.runId, {})).text();
    expect(all.trimEnd().split("\n")).toHaveLength(3011);
    expect(all).toContain(" run INFO agent note\n");
  });
});

describe("the end of a run", () => {
  it("gives next = null only once the run has ended and every line was read", async () => {
    const run = await heldRun(test.db);
    await report(test.db, run, {
      events: [{ type: "flow", state: "Running", at: new Date().toISOString() }],
      logs: [block("extract", texts("x", 5))],
    });
    await report(test.db, run, {
      events: completion(),
    });
    const page = await listFlowRunLogs(test.db, run.runId, { limit: 3 });
    expect(page.next).toBe("3"); // a full page: there may be more
    const rest = await listFlowRunLogs(test.db, run.runId, { after: page.next!, limit: 3 });
    expect(numbers(rest)).toEqual([4, 5]);
    expect(rest.next).toBeNull();
    expect((await listFlowRunLogs(test.db, run.runId, { tail: 2, limit: 1000 })).next).toBeNull();
    expect(
      (await listFlowRunLogs(test.db, run.runId, { task: "nope", limit: 10 })).next,
    ).toBeNull();
    expect(await readLogWindow(test.db, run.runId, { from: 1, to: 2 })).toMatchObject({
      total: 5,
      ended: true,
    });
  });
});
