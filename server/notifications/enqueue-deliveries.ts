// Making deliveries: a run that ended in a rule's event (or a Running run past a rule's
// longerThanMinutes) gets one delivery per matching rule. Two ways in — at once when a run ends
// ("run-ended", on every replica), and a sweep every few seconds for what an event missed (a
// replica that died between the end and its handling) — and one INSERT … ON CONFLICT DO NOTHING
// against UNIQUE (ruleId, flowRunId, event): however many replicas and sweeps see a run, its
// event is notified once.
import crypto from "node:crypto";
import { FINAL_FLOW_RUN_STATES, type FlowRunState } from "../../contract/run-states.ts";
import type { Masker } from "../../contract/secret-masking.ts";
import type { NotificationEvent } from "../../contract/notifications.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { toJson } from "../db/json.ts";
import { stateList, textArray } from "../runs/state-machine/sql.ts";
import { maskerForRun } from "./mask-run-facts.ts";
import { runPayload, type RunFacts } from "./message.ts";

/** The final states a rule can be told about, and their event. */
const EVENT_OF_STATE = {
  Failed: "failed",
  Crashed: "crashed",
  Completed: "completed",
  Cancelled: "cancelled",
} as const satisfies Partial<Record<FlowRunState, NotificationEvent>>;

/**
 * How far back the sweep looks for ended runs. The event path handles nearly every run within
 * milliseconds; the sweep is the safety net, so an hour is plenty. It reads the runs list's
 * (state, scheduledAt) index: runs scheduled in the last two days (a run longer than that is
 * notified by its event alone).
 */
const SWEEP_ENDED_MS = 3_600_000;
const SWEEP_SCHEDULED_MS = 2 * 86_400_000;

type Candidate = {
  ruleId: string;
  ruleName: string;
  longerThanMinutes: number | null;
  runId: string;
  event: NotificationEvent;
};

const STATES = Prisma.join(
  Object.entries(EVENT_OF_STATE).map(([state, event]) => Prisma.sql`(${state}, ${event})`),
);

// A rule matches a run of a deployment (never a notebook cell run) in its scope: its deployment,
// its tag, or (neither) every deployment.
const IN_SCOPE = Prisma.sql`r.active AND f."deploymentId" IS NOT NULL AND f."cellTask" IS NULL
  AND (r."deploymentId" IS NULL OR r."deploymentId" = f."deploymentId")
  AND (r.tag IS NULL OR r.tag = ANY(f.tags))`;

const NOT_SENT = (event: Prisma.Sql) => Prisma.sql`NOT EXISTS (
  SELECT 1 FROM "NotificationDelivery" d
  WHERE d."ruleId" = r.id AND d."flowRunId" = f.id AND d.event = ${event})`;

async function findCandidates(db: Db, runs: Prisma.Sql, now: Date): Promise<Candidate[]> {
  return db.$queryRaw<Candidate[]>`
    WITH states(state, event) AS (VALUES ${STATES})
    SELECT r.id AS "ruleId", r.name AS "ruleName", r."longerThanMinutes", f.id AS "runId",
      s.event::"NotificationEvent" AS event
    FROM "FlowRun" f
    JOIN states s ON s.state = f.state::text
    JOIN "NotificationRule" r ON s.event::"NotificationEvent" = ANY(r.events) AND ${IN_SCOPE}
    WHERE ${runs} AND f."endedAt" >= r."createdAt"
      -- A run withdrawn before it started (cancelled while queued, or by a change of the
      -- schedule that made it ahead of time: up to 10 at once) did nothing worth a message.
      AND (s.event <> 'cancelled' OR f."startedAt" IS NOT NULL)
      AND ${NOT_SENT(Prisma.sql`s.event::"NotificationEvent"`)}
    UNION ALL
    SELECT r.id, r.name, r."longerThanMinutes", f.id, 'longRunning'::"NotificationEvent"
    FROM "FlowRun" f
    JOIN "NotificationRule" r ON 'longRunning' = ANY(r.events)
      AND r."longerThanMinutes" IS NOT NULL AND ${IN_SCOPE}
    WHERE ${runs} AND f.state = 'Running'
      AND f."startedAt" <= ${now}::timestamptz - r."longerThanMinutes" * interval '1 minute'
      -- Past the limit after the rule existed: a rule made now does not report old runs at once.
      AND f."startedAt" + r."longerThanMinutes" * interval '1 minute' >= r."createdAt"
      AND ${NOT_SENT(Prisma.sql`'longRunning'::"NotificationEvent"`)}`;
}

async function runFacts(db: Db, ids: string[]) {
  const rows = await db.flowRun.findMany({
    where: { id: { in: ids } },
    select: {
      id: true,
      state: true,
      stateMessage: true,
      error: true,
      startedAt: true,
      endedAt: true,
      flowVersionId: true,
      flow: { select: { name: true } },
      deployment: { select: { name: true } },
    },
  });
  const facts = new Map<string, RunFacts & { flowVersionId: string }>();
  for (const row of rows) {
    const error = row.error as { message?: unknown } | null;
    const cause =
      row.state === "Completed"
        ? null
        : (row.stateMessage ?? (typeof error?.message === "string" ? error.message : null));
    facts.set(row.id, {
      id: row.id,
      flow: row.flow.name,
      deployment: row.deployment?.name ?? null,
      state: row.state,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      cause,
      flowVersionId: row.flowVersionId,
    });
  }
  return facts;
}

/** Stores the messages for these candidates; returns how many were new. */
async function store(db: Db, candidates: Candidate[], baseUrl: string, now: Date) {
  if (!candidates.length) return 0;
  const facts = await runFacts(db, [...new Set(candidates.map((c) => c.runId))]);
  const data: Prisma.NotificationDeliveryCreateManyInput[] = [];
  // One masker per run, whichever rules notify about it.
  const maskers = new Map<string, Promise<Masker | null>>();
  for (const c of candidates) {
    const run = facts.get(c.runId);
    if (!run) continue;
    const id = crypto.randomUUID();
    const payload = runPayload({
      deliveryId: id,
      event: c.event,
      run,
      rule: { id: c.ruleId, name: c.ruleName, longerThanMinutes: c.longerThanMinutes },
      baseUrl,
      now,
    });
    if (!maskers.has(run.id)) maskers.set(run.id, maskerForRun(db, run.flowVersionId));
    const masker = await maskers.get(run.id)!;
    data.push({
      id,
      ruleId: c.ruleId,
      flowRunId: c.runId,
      event: c.event,
      payload: toJson(masker ? masker.value(payload) : payload),
      nextAttemptAt: now,
    });
  }
  const { count } = await db.notificationDelivery.createMany({ data, skipDuplicates: true });
  return count;
}

/** The messages about one run (it ended, or is running): at once, on "run-ended". */
export function enqueueForRun(
  db: Db,
  runId: string,
  options: { baseUrl: string; now?: Date },
): Promise<number> {
  return enqueueForRuns(db, [runId], options);
}

/** The messages about these runs, in one statement. */
export async function enqueueForRuns(
  db: Db,
  runIds: readonly string[],
  options: { baseUrl: string; now?: Date },
): Promise<number> {
  if (!runIds.length) return 0;
  const now = options.now ?? new Date();
  const runs = Prisma.sql`f.id = ANY(${textArray(runIds)}::uuid[])`;
  return store(db, await findCandidates(db, runs, now), options.baseUrl, now);
}

/** The messages an event missed, and long-running runs: every few seconds. */
export async function sweepDeliveries(
  db: Db,
  options: { baseUrl: string; now?: Date },
): Promise<number> {
  const now = options.now ?? new Date();
  const rules = await db.notificationRule.count({ where: { active: true } });
  if (!rules) return 0;
  const runs = Prisma.sql`(f.state = 'Running' OR (
    f.state IN ${stateList(FINAL_FLOW_RUN_STATES)}
    AND f."scheduledAt" >= ${new Date(now.getTime() - SWEEP_SCHEDULED_MS)}::timestamptz
    AND f."endedAt" >= ${new Date(now.getTime() - SWEEP_ENDED_MS)}::timestamptz))`;
  return store(db, await findCandidates(db, runs, now), options.baseUrl, now);
}
