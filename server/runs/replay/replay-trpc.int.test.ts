// The studio's side of replays: the tRPC procedures the run page's buttons and dialogs call.
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../../test/support/database.ts";
import {
  principalOf,
  seedDeployment,
  seedFlow,
  threeTasks,
  uniqueName,
} from "../../../test/support/seed.ts";
import { testAgent } from "../../../test/support/simulated-agent.ts";
import { loadConfig } from "../../config.ts";
import { appRouter } from "../../trpc/root.ts";
import { createFlowRun } from "../create-flow-run.ts";

const test = freshDatabase();

async function caller() {
  const user = await test.db.user.create({ data: { name: uniqueName("user") } });
  return {
    user,
    runs: appRouter.createCaller({
      db: test.db,
      config: loadConfig({}),
      principal: principalOf("operator", user),
    }).runs,
  };
}

describe("runs.replayPlan and runs.replay", () => {
  it("preview a replay, create it as the signed-in user, and refuse with tRPC codes", async () => {
    const queue = uniqueName("q");
    const file = threeTasks();
    const { deploymentId } = await seedDeployment(test.db, file, queue);
    const agent = await testAgent(test.db, queue);
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const { runs, user } = await caller();

    await expect(runs.replayPlan({ id, kind: "retry", version: "run" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `flow run ${id} is Scheduled: cancel it or wait for it to end, then replay it`,
    });
    await agent.execute((task) => {
      if (task === "report") throw new Error("report is broken");
      return 1;
    });
    const fixed = structuredClone(file);
    fixed.tasks![0]!.code = "export default function main() { return 2 }"; // report
    await seedFlow(test.db, fixed);

    const plan = await runs.replayPlan({ id, kind: "fromFailure", version: "latest" });
    expect(plan).toMatchObject({
      flowVersion: 2,
      rerun: ["report", "notify"],
      reused: [{ task: "extract", fromRun: id }],
    });
    expect(plan.tasks.map((t) => t.detail)).toEqual([
      `result of run ${id.slice(0, 8)}`,
      `Failed in run ${id.slice(0, 8)}`,
      `NotRun in run ${id.slice(0, 8)}`,
    ]);
    const replay = await runs.replay({ id, kind: "fromFailure", version: "latest" });
    expect(replay).toMatchObject({ state: "Scheduled", rerun: plan.rerun, reused: plan.reused });
    const stored = await test.db.flowRun.findUniqueOrThrow({ where: { id: replay.id } });
    expect(stored).toMatchObject({
      createdById: user.id,
      parentRunId: id,
      replayKind: "fromFailure",
    });

    const refused = await runs
      .replay({ id, kind: "fromTask", task: "reprot", version: "latest" })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCError);
    expect(refused).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining('has no task "reprot" (did you mean "report"?)'),
    });
    await expect(
      runs.replay({ id: crypto.randomUUID(), kind: "retry", version: "run" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
