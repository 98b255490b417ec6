// Shown states (Late, Paused and the stored ones) in SQL, derived from the one rule in
// contract/run-states.ts: every combination of the facts it reads is run through
// displayStateOf, and the combinations that give a wanted state become the WHERE clause.
import {
  displayStateOf,
  FLOW_RUN_STATES,
  lateBefore,
  type FlowRunDisplayState,
  type FlowRunState,
} from "../../contract/run-states.ts";
import type { Db } from "../db/client.ts";
import { Prisma } from "../db/generated/client.ts";
import { textArray } from "./state-machine/sql.ts";

/** What the facts are in SQL, for the rows of `"FlowRun" r`. */
export type FactsSql = {
  /** The work queues paused now; when none is, "paused" is false for every run. */
  pausedQueueIds: readonly string[];
  /** A Scheduled run scheduled before this is late. */
  lateBefore: Date;
};

/** The facts as they are now: which queues are paused, and from when a run is late. */
export async function currentFacts(db: Db, now: Date, lateAfterMs: number): Promise<FactsSql> {
  const paused = await db.workQueue.findMany({ where: { paused: true }, select: { id: true } });
  return { pausedQueueIds: paused.map((q) => q.id), lateBefore: lateBefore(now, lateAfterMs) };
}

/** A row's shown state from its stored state and the facts (the rule, applied in JS). */
export function shownState(
  row: { state: FlowRunState; workQueueId: string; scheduledAt: Date },
  facts: FactsSql,
): FlowRunDisplayState {
  return displayStateOf({
    state: row.state,
    queuePaused: facts.pausedQueueIds.includes(row.workQueueId),
    late: row.scheduledAt < facts.lateBefore,
  });
}

const BOOLS = [false, true] as const;

/** The stored states whose shown state depends on the facts (Scheduled: Late, Paused). */
export const FACT_DEPENDENT_STATES = FLOW_RUN_STATES.filter((state) => {
  const shown = new Set(
    BOOLS.flatMap((queuePaused) =>
      BOOLS.map((late) => displayStateOf({ state, queuePaused, late })),
    ),
  );
  return shown.size > 1;
});

export function pausedSql(facts: FactsSql): Prisma.Sql {
  if (facts.pausedQueueIds.length === 0) return Prisma.sql`FALSE`;
  return Prisma.sql`r."workQueueId" = ANY(${textArray(facts.pausedQueueIds)}::uuid[])`;
}

export function lateSql(facts: FactsSql): Prisma.Sql {
  return Prisma.sql`r."scheduledAt" < ${facts.lateBefore}::timestamptz`;
}

const not = (sql: Prisma.Sql) => Prisma.sql`NOT (${sql})`;

/**
 * The condition on one stored state's other facts, from the set of (paused, late) pairs that
 * give a wanted state: none when all do, one fact when only it matters, else the pairs spelt out.
 */
function pairsSql(
  pairs: [boolean, boolean][],
  facts: FactsSql,
  pausable: boolean,
): Prisma.Sql | null {
  if (pairs.length === (pausable ? 4 : 2)) return null;
  const [firstPaused, firstLate] = pairs[0]!;
  const sameLate = pairs.every(([, late]) => late === firstLate);
  const samePaused = pairs.every(([paused]) => paused === firstPaused);
  if (sameLate && (!pausable || pairs.length === 2)) {
    return firstLate ? lateSql(facts) : not(lateSql(facts));
  }
  if (samePaused && pairs.length === 2) {
    return firstPaused ? pausedSql(facts) : not(pausedSql(facts));
  }
  const terms = pairs.map(([paused, late]) => {
    const parts = [late ? lateSql(facts) : not(lateSql(facts))];
    if (pausable) parts.unshift(paused ? pausedSql(facts) : not(pausedSql(facts)));
    return Prisma.sql`(${Prisma.join(parts, " AND ")})`;
  });
  return Prisma.sql`(${Prisma.join(terms, " OR ")})`;
}

/**
 * For runs shown in any of `wanted`: each stored state they may have, with the condition on its
 * other facts (null: every run of that state).
 */
export function displayStateTerms(
  wanted: readonly FlowRunDisplayState[],
  facts: FactsSql,
): { state: FlowRunState; condition: Prisma.Sql | null }[] {
  const pausable = facts.pausedQueueIds.length > 0;
  const pausedValues = pausable ? BOOLS : ([false] as const);
  const terms: { state: FlowRunState; condition: Prisma.Sql | null }[] = [];
  for (const state of FLOW_RUN_STATES) {
    const pairs: [boolean, boolean][] = [];
    for (const queuePaused of pausedValues) {
      for (const late of BOOLS) {
        if (wanted.includes(displayStateOf({ state, queuePaused, late })))
          pairs.push([queuePaused, late]);
      }
    }
    if (pairs.length) terms.push({ state, condition: pairsSql(pairs, facts, pausable) });
  }
  return terms;
}

/** One term as a WHERE condition (an equality on the state, so its index can give the order). */
export function termSql(term: { state: FlowRunState; condition: Prisma.Sql | null }): Prisma.Sql {
  const state = Prisma.sql`r.state = ${term.state}::"FlowRunState"`;
  return term.condition ? Prisma.sql`${state} AND ${term.condition}` : state;
}
