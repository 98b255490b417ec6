// Starting and cancelling a backfill. Creating one saves its plan (slots, parameters) and tops
// it up at once, so its first runs exist when the call returns. Cancelling stops it creating runs
// and withdraws those no agent has taken; runs already under way finish.
import type { BackfillInput, BackfillView } from "../../contract/backfills.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { toJson } from "../db/json.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { announceCancelled, cancelWaitingRuns } from "../runs/cancel-waiting-runs.ts";
import { getBackfillView } from "./get-backfill.ts";
import { planBackfill } from "./plan-backfill.ts";
import { runEndWatchersChanged } from "../runs/run-end-watchers.ts";
import { topUpBackfill } from "./top-up-backfill.ts";

type ChangeOptions = { actor?: Actor; now?: Date };

export async function createBackfill(
  db: Db,
  deploymentId: string,
  input: BackfillInput,
  { actor = SYSTEM_ACTOR, now = new Date() }: ChangeOptions = {},
): Promise<BackfillView> {
  if (!isUuid(deploymentId)) throw new NotFoundError("deployment", deploymentId);
  const plan = await planBackfill(db, deploymentId, input);
  const id = await db.$transaction(async (tx) => {
    const row = await tx.backfill.create({
      data: {
        deploymentId,
        scheduleId: plan.scheduleId,
        rangeFrom: plan.from,
        rangeTo: plan.to,
        slots: plan.slots,
        parameters: toJson(plan.parameters),
        ...(plan.parameterSets ? { parameterSets: toJson(plan.parameterSets) } : {}),
        maxInFlight: input.maxInFlight,
        total: plan.total,
        createdById: actor.userId,
        createdAt: now,
      },
      select: { id: true },
    });
    await audit(
      tx,
      actor,
      "backfill.create",
      { type: "backfill", id: row.id, name: plan.description },
      {
        deploymentId,
        scheduleId: plan.scheduleId,
        total: plan.total,
        maxInFlight: input.maxInFlight,
      },
    );
    return row.id;
  });
  runEndWatchersChanged();
  await topUpBackfill(db, id, { now });
  return getBackfillView(db, id);
}

export async function cancelBackfill(
  db: Db,
  id: string,
  { actor = SYSTEM_ACTOR, now = new Date() }: ChangeOptions = {},
): Promise<BackfillView> {
  if (!isUuid(id)) throw new NotFoundError("backfill", id);
  const withdrawn = await db.$transaction(async (tx) => {
    // The row lock waits for a top-up under way: no run is created after the cancel commits.
    const [row] = await tx.$queryRaw<{ state: string }[]>`
      SELECT state::text AS state FROM "Backfill" WHERE id = ${id}::uuid FOR UPDATE`;
    if (!row) throw new NotFoundError("backfill", id);
    if (row.state === "Cancelled") return null;
    if (row.state !== "Running") {
      throw new PipebookError(
        "invalid_state",
        `backfill ${id} already ${row.state}: there is nothing to cancel`,
        { state: row.state },
      );
    }
    const by = actor.userName;
    await tx.backfill.update({
      where: { id },
      data: { state: "Cancelled", endedAt: now, stateMessage: `Cancelled by ${by}` },
    });
    const waiting = await tx.flowRun.findMany({
      where: { backfillId: id, state: "Scheduled" },
      select: { id: true },
    });
    const cancelled = await cancelWaitingRuns(
      tx,
      waiting.map((r) => r.id),
      "Its backfill was cancelled before an agent took it",
    );
    await audit(
      tx,
      actor,
      "backfill.cancel",
      { type: "backfill", id },
      {
        runsCancelled: cancelled.length,
      },
    );
    return cancelled;
  });
  if (withdrawn) announceCancelled(withdrawn);
  return getBackfillView(db, id);
}
