// The transitions that SQL statements write with fixed states (the claim, the hand-back, the
// reaper, the flow-level retry, a replay's kept items), declared as data and checked against the
// one transition table (contract/run-states.ts) when the module that declares them loads: an
// illegal one stops the server at import, naming the transition, instead of writing history rows
// the table forbids. The statements read their states from these objects, never from literals.
import {
  canTransitionFlowRun,
  canTransitionTaskRun,
  FLOW_RUN_STATES,
  TASK_RUN_STATES,
  type FlowRunState,
  type TaskRunState,
} from "../../../contract/run-states.ts";
import type { Prisma } from "../../db/generated/client.ts";
import { stateList, stateLiteral } from "./sql.ts";

export type FixedTransition<S extends string> = {
  /** What writes it (named in the error when the table forbids it). */
  name: string;
  kind: "flow run" | "task run";
  from: readonly S[];
  to: S;
  /** `('A','B')`: for `state IN ${t.fromSql}`. */
  fromSql: Prisma.Sql;
  /** `'C'`: the state written. */
  toSql: Prisma.Sql;
};

/** Every fixed transition declared so far (the tests list them). */
export const FIXED_TRANSITIONS: FixedTransition<string>[] = [];

/**
 * Checks a fixed transition against a transition table; throws, naming every illegal pair and
 * where it is declared. Exported for the unit test that feeds it bad ones.
 */
export function checkFixedTransition<S extends string>(
  t: { name: string; kind: string; from: readonly S[]; to: S },
  states: readonly S[],
  can: (from: S, to: S) => boolean,
): void {
  const where = `the fixed ${t.kind} transition "${t.name}" (server/runs/state-machine)`;
  if (t.from.length === 0) throw new Error(`${where} names no from-state`);
  for (const s of [...t.from, t.to]) {
    if (!states.includes(s)) throw new Error(`${where} names "${s}", which is no ${t.kind} state`);
  }
  const illegal = t.from.filter((from) => !can(from, t.to));
  if (illegal.length) {
    const pairs = illegal.map((from) => `${from} → ${t.to}`).join(", ");
    throw new Error(
      `${where} writes ${pairs}, which the transition table in contract/run-states.ts does not allow: change the statement or the table`,
    );
  }
}

export function fixedFlowRunTransition(t: {
  name: string;
  from: readonly FlowRunState[];
  to: FlowRunState;
}): FixedTransition<FlowRunState> {
  checkFixedTransition({ ...t, kind: "flow run" }, FLOW_RUN_STATES, canTransitionFlowRun);
  return register({ ...t, kind: "flow run" });
}

export function fixedTaskRunTransition(t: {
  name: string;
  from: readonly TaskRunState[];
  to: TaskRunState;
}): FixedTransition<TaskRunState> {
  checkFixedTransition({ ...t, kind: "task run" }, TASK_RUN_STATES, canTransitionTaskRun);
  return register({ ...t, kind: "task run" });
}

function register<S extends string>(t: {
  name: string;
  kind: "flow run" | "task run";
  from: readonly S[];
  to: S;
}): FixedTransition<S> {
  const fixed = { ...t, fromSql: stateList(t.from), toSql: stateLiteral(t.to) };
  FIXED_TRANSITIONS.push(fixed);
  return fixed;
}

/**
 * The one from-state of a transition, as a literal, for a history row whose statement does not
 * read the old state (it can only have been this one). Throws at import if there are several.
 */
export function soleFromSql<S extends string>(t: FixedTransition<S>): Prisma.Sql {
  if (t.from.length !== 1) {
    throw new Error(
      `the fixed ${t.kind} transition "${t.name}" has ${t.from.length} from-states; its history needs the row's own`,
    );
  }
  return stateLiteral(t.from[0]!);
}
