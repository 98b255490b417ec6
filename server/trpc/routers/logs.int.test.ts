// The log viewer's tRPC procedures over a real database: windows, filtered search, the tail, and
// refusals as tRPC errors the studio can show.
import { principalOf } from "../../../test/support/seed.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../../test/support/database.ts";
import { block, heldRun, report, type HeldRun } from "../../../test/support/logs.ts";
import { getConfig } from "../../config.ts";
import { logsRouter } from "./logs.ts";

const test = freshDatabase();
const caller = () =>
  logsRouter.createCaller({
    db: test.db,
    config: getConfig(),
    principal: principalOf("viewer"),
  });
const texts = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix} ${i}`);

let held: HeldRun;
beforeAll(async () => {
  held = await heldRun(test.db);
  await report(test.db, held, {
    logs: [block("extract", texts("row", 1200)), block("report", texts("Oops", 5), "error")],
  });
});

describe("logs router", () => {
  it("reads a window by line number, with the run's line count", async () => {
    const window = await caller().window({ runId: held.runId, from: 999, to: 1003 });
    expect(window.lines.map((l) => [l.line, l.message])).toEqual([
      [999, "row 998"],
      [1000, "row 999"],
      [1001, "row 1000"],
      [1002, "row 1001"],
    ]);
    expect(window).toMatchObject({ total: 1205, ended: false });
  });

  it("searches with filters forwards and backwards, and reads the tail", async () => {
    const errors = await caller().search({ runId: held.runId, levels: ["error"], q: "oops 1" });
    expect(errors.logs.map((l) => l.line)).toEqual([1202]);
    const back = await caller().search({ runId: held.runId, task: "extract", before: 3, limit: 5 });
    expect(back.logs.map((l) => l.line)).toEqual([1, 2]);
    const tail = await caller().tail({ runId: held.runId, limit: 2, task: "extract" });
    expect(tail.logs.map((l) => l.message)).toEqual(["row 1198", "row 1199"]);
    expect(tail.next).toBe("1205");
  });

  it("refuses a bad window and says when the run is not there", async () => {
    await expect(caller().window({ runId: held.runId, from: 10, to: 10 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      caller().window({ runId: crypto.randomUUID(), from: 1, to: 10 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller().search({ runId: held.runId, after: 1, before: 5 })).rejects.toMatchObject(
      { code: "BAD_REQUEST" },
    );
  });
});
