import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { seedRun } from "../../test/support/seed.ts";
import { cancelFlowRun } from "./cancel-flow-run.ts";
import { getRunHistory } from "./get-run-history.ts";

const test = freshDatabase();

describe("a run's state history", () => {
  it("is read whole, then only what came after a cursor", async () => {
    const { runId } = await seedRun(test.db);
    const first = await getRunHistory(test.db, runId);
    expect(first.events.map((e) => `${e.task ?? "run"} ${e.to}`)).toEqual(["run Scheduled"]);
    expect(await getRunHistory(test.db, runId, { after: first.next })).toMatchObject({
      events: [],
      next: first.next,
    });

    await cancelFlowRun(test.db, runId);
    const later = await getRunHistory(test.db, runId, { after: first.next });
    // The run's cancel and each of its three tasks', nothing read before.
    expect(later.events.map((e) => `${e.task ?? "run"} ${e.to}`).sort()).toEqual([
      "extract Cancelled",
      "notify Cancelled",
      "report Cancelled",
      "run Cancelled",
    ]);
    expect(later.next).not.toBe(first.next);
    expect((await getRunHistory(test.db, runId)).events).toHaveLength(5);
  });
});
