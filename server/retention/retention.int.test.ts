// Retention on PGlite and PostgreSQL: a pass deletes old logs and results, and only those — not
// young ones, not a result a live cache entry still answers with, not a run in progress's — with
// a deployment's own limits over the global ones; one server at a time runs it, in batches.
import { describe, expect, it } from "vitest";
import type { FlowRunState } from "../../contract/run-states.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, seedRunIn, threeTasks } from "../../test/support/seed.ts";
import { SYSTEM_ACTOR } from "../audit/actor.ts";
import { BATCH } from "./delete-batches.ts";
import { claimRetentionPass, runRetentionPass } from "./retention-pass.ts";
import { runRetentionNow } from "./run-retention-now.ts";
import { setDeploymentRetention, setGlobalRetention } from "./set-retention.ts";
import { getRetention } from "./get-retention.ts";

const test = freshDatabase();
const DAY = 24 * 3600_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

/** A run of the deployment in `state`, whose task "extract" made a result `age` days ago. */
async function runWithResult(
  deploymentId: string,
  state: FlowRunState,
  age: number,
  cache?: { key: string; expiresAt: Date | null },
) {
  const runId = await seedRunIn(test.db, deploymentId, state);
  const task = await test.db.taskRun.findFirstOrThrow({
    where: { flowRunId: runId, name: "extract" },
    select: { id: true },
  });
  await test.db.result.create({
    data: {
      taskRunId: task.id,
      value: { age },
      sizeBytes: 10,
      createdAt: daysAgo(age),
      cacheKey: cache?.key ?? null,
      expiresAt: cache?.expiresAt ?? null,
    },
  });
  return { runId, taskRunId: task.id };
}

/** A run in `state` with two log lines, ended `endedDays` ago (null: not ended). */
async function runWithLogs(deploymentId: string, state: FlowRunState, endedDays: number | null) {
  const runId = await seedRunIn(test.db, deploymentId, state);
  const at = endedDays === null ? new Date() : daysAgo(endedDays);
  await test.db.logChunk.create({
    data: {
      flowRunId: runId,
      firstLine: 1,
      lineCount: 2,
      level: "info",
      firstAt: at,
      messages: ["one", "two"],
      offsets: [0, 1],
      search: "one\ntwo",
    },
  });
  await test.db.flowRun.update({
    where: { id: runId },
    data: { logLines: 2, ...(endedDays === null ? {} : { endedAt: at }) },
  });
  return runId;
}

const resultOf = (taskRunId: string) =>
  test.db.result.findUnique({ where: { taskRunId }, select: { id: true } });

async function pass() {
  expect(await claimRetentionPass(test.db, { everyMs: 0, force: true })).toBe(true);
  return runRetentionPass(test.db);
}

describe("retention", () => {
  it("deletes only old, unreferenced results and logs; a deployment's limit overrides the global one", async () => {
    const { deploymentId } = await seedDeployment(test.db, threeTasks());
    const { deploymentId: keepsLonger } = await seedDeployment(test.db, threeTasks());
    await setGlobalRetention(test.db, { logsDays: 7, resultsDays: 7 }, SYSTEM_ACTOR);
    await setDeploymentRetention(test.db, keepsLonger, { resultsDays: 30 }, SYSTEM_ACTOR);

    const old = await runWithResult(deploymentId, "Completed", 10);
    const young = await runWithResult(deploymentId, "Completed", 1);
    const failed = await runWithResult(deploymentId, "Failed", 10);
    const running = await runWithResult(deploymentId, "Running", 10);
    const live = await runWithResult(deploymentId, "Completed", 10, {
      key: "live-key",
      expiresAt: null,
    });
    // The same key's older entry: a lookup answers with the newer one, so this one can go.
    const superseded = await runWithResult(deploymentId, "Completed", 12, {
      key: "live-key",
      expiresAt: null,
    });
    const expired = await runWithResult(deploymentId, "Completed", 10, {
      key: "expired-key",
      expiresAt: daysAgo(1),
    });
    // Its newer entry of the key has expired: the older, unexpired one still answers lookups.
    const stillAnswers = await runWithResult(deploymentId, "Completed", 11, {
      key: "mixed-key",
      expiresAt: new Date(Date.now() + DAY),
    });
    await runWithResult(deploymentId, "Completed", 9, {
      key: "mixed-key",
      expiresAt: daysAgo(1),
    });
    const overridden = await runWithResult(keepsLonger, "Completed", 10);
    const overriddenOld = await runWithResult(keepsLonger, "Completed", 31);

    const oldLogs = await runWithLogs(deploymentId, "Completed", 10);
    const youngLogs = await runWithLogs(deploymentId, "Completed", 1);
    const runningLogs = await runWithLogs(deploymentId, "Running", null);
    // Logs follow the global limit: the deployment overrides only results.
    const overriddenLogs = await runWithLogs(keepsLonger, "Failed", 10);

    const tally = await pass();
    expect(tally.resultsDeleted).toBeGreaterThanOrEqual(6);
    expect(tally.logLinesDeleted).toBeGreaterThanOrEqual(4);

    expect(await resultOf(old.taskRunId)).toBeNull();
    expect(await resultOf(failed.taskRunId)).toBeNull();
    expect(await resultOf(superseded.taskRunId)).toBeNull();
    expect(await resultOf(expired.taskRunId)).toBeNull();
    expect(await resultOf(overriddenOld.taskRunId)).toBeNull();
    expect(await resultOf(young.taskRunId)).not.toBeNull();
    expect(await resultOf(running.taskRunId)).not.toBeNull();
    expect(await resultOf(live.taskRunId)).not.toBeNull();
    expect(await resultOf(stillAnswers.taskRunId)).not.toBeNull();
    expect(await resultOf(overridden.taskRunId)).not.toBeNull();

    const logs = async (id: string) => ({
      chunks: await test.db.logChunk.count({ where: { flowRunId: id } }),
      lines: (
        await test.db.flowRun.findUniqueOrThrow({ where: { id }, select: { logLines: true } })
      ).logLines,
    });
    expect(await logs(oldLogs)).toEqual({ chunks: 0, lines: 0 });
    expect(await logs(overriddenLogs)).toEqual({ chunks: 0, lines: 0 });
    expect(await logs(youngLogs)).toEqual({ chunks: 1, lines: 2 });
    expect(await logs(runningLogs)).toEqual({ chunks: 1, lines: 2 });

    // The pass is shown with its tally.
    const view = await getRetention(test.db);
    expect(view.global).toEqual({ logsDays: 7, resultsDays: 7, artifactsDays: null });
    expect(view.deployments).toEqual([
      expect.objectContaining({ deploymentId: keepsLonger, logsDays: null, resultsDays: 30 }),
    ]);
    expect(view.lastPass).toMatchObject({
      logLinesDeleted: tally.logLinesDeleted,
      resultsDeleted: tally.resultsDeleted,
      error: null,
    });
    expect(view.lastPass!.endedAt).not.toBeNull();

    // A second pass finds nothing more; without limits nothing is deleted at all.
    expect(await pass()).toEqual({ logLinesDeleted: 0, resultsDeleted: 0, artifactsDeleted: 0 });
    await setGlobalRetention(test.db, { logsDays: null, resultsDays: null }, SYSTEM_ACTOR);
    await setDeploymentRetention(test.db, keepsLonger, { resultsDays: null }, SYSTEM_ACTOR);
    expect((await getRetention(test.db)).deployments).toEqual([]);
    const ancient = await runWithResult(deploymentId, "Completed", 400);
    await pass();
    expect(await resultOf(ancient.taskRunId)).not.toBeNull();
  });

  it("is claimed by one server at a time, and not again within its interval", async () => {
    // Whatever ran before: let a forced claim end it first.
    await pass();
    const claims = await Promise.all(
      Array.from({ length: 4 }, () => claimRetentionPass(test.db, { everyMs: 0, force: true })),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Under way: neither the hourly claim nor "Run now" takes it.
    expect(await claimRetentionPass(test.db, { everyMs: 0 })).toBe(false);
    await expect(runRetentionNow(test.db, SYSTEM_ACTOR)).rejects.toThrow(/under way/);
    await runRetentionPass(test.db);
    // Ended a moment ago: the hourly claim waits its hour, "Run now" does not.
    expect(await claimRetentionPass(test.db, { everyMs: 3600_000 })).toBe(false);
    const now = await runRetentionNow(test.db, SYSTEM_ACTOR);
    expect(now.lastPass?.endedAt).not.toBeNull();
  });

  it(`deletes in batches of ${BATCH} until nothing old is left`, async () => {
    const { deploymentId } = await seedDeployment(test.db, threeTasks());
    await setGlobalRetention(test.db, { resultsDays: 5 }, SYSTEM_ACTOR);
    const runId = await seedRunIn(test.db, deploymentId, "Completed");
    const count = Math.floor(BATCH * 2.5);
    // Items of a mapped task are task runs too: many results of one run.
    await test.db.taskRun.createMany({
      data: Array.from({ length: count }, (_, i) => ({
        flowRunId: runId,
        name: "extract",
        mapIndex: i,
        position: 0,
        state: "Completed" as const,
      })),
    });
    const items = await test.db.taskRun.findMany({
      where: { flowRunId: runId, mapIndex: { gte: 0 } },
      select: { id: true },
    });
    await test.db.result.createMany({
      data: items.map((t) => ({ taskRunId: t.id, value: 1, createdAt: daysAgo(6) })),
    });
    const started = performance.now();
    const tally = await pass();
    const ms = performance.now() - started;
    console.log(
      `retention: ${tally.resultsDeleted} results in ${ms.toFixed(0)} ms (${((ms / tally.resultsDeleted) * BATCH).toFixed(0)} ms per ${BATCH})`,
    );
    expect(tally.resultsDeleted).toBeGreaterThanOrEqual(count);
    expect(
      await test.db.result.count({
        where: { taskRun: { flowRunId: runId, mapIndex: { gte: 0 } } },
      }),
    ).toBe(0);
    await setGlobalRetention(test.db, { resultsDays: null }, SYSTEM_ACTOR);
  });
});
