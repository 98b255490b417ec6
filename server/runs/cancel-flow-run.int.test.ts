import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { seedRun } from "../../test/support/seed.ts";
import { cancelFlowRun } from "./cancel-flow-run.ts";
import { transitionFlowRun } from "./state-machine/index.ts";

const test = freshDatabase();

describe("cancelling flow runs", () => {
  it("cancels a run no agent took at once, with its task runs", async () => {
    const { runId } = await seedRun(test.db);
    expect(await cancelFlowRun(test.db, runId)).toEqual({ id: runId, state: "Cancelled" });
    const tasks = await test.db.taskRun.findMany({ where: { flowRunId: runId } });
    expect(tasks.every((t) => t.state === "Cancelled" && t.endedAt)).toBe(true);
    // Asking again is harmless.
    expect(await cancelFlowRun(test.db, runId)).toEqual({ id: runId, state: "Cancelled" });
  });

  it("asks the agent of a claimed run to stop: the run is Cancelling until it confirms", async () => {
    const { runId } = await seedRun(test.db);
    await transitionFlowRun(test.db, { id: runId, from: ["Scheduled"], to: "Pending" });
    await transitionFlowRun(test.db, { id: runId, from: ["Pending"], to: "Running" });
    expect(await cancelFlowRun(test.db, runId)).toEqual({ id: runId, state: "Cancelling" });
    expect(await cancelFlowRun(test.db, runId)).toEqual({ id: runId, state: "Cancelling" });
  });

  it("refuses to cancel a run that already ended, saying how it ended", async () => {
    const { runId } = await seedRun(test.db);
    await transitionFlowRun(test.db, { id: runId, from: ["Scheduled"], to: "Pending" });
    await transitionFlowRun(test.db, { id: runId, from: ["Pending"], to: "Running" });
    await transitionFlowRun(test.db, { id: runId, from: ["Running"], to: "Completed" });
    await expect(cancelFlowRun(test.db, runId)).rejects.toMatchObject({
      code: "invalid_state",
      message: `flow run ${runId} already ended Completed: there is nothing to cancel`,
    });
  });

  it("an unknown run is not found", async () => {
    await expect(cancelFlowRun(test.db, "123")).rejects.toMatchObject({ code: "not_found" });
  });
});
