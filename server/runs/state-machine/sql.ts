// Small helpers for the state machine's SQL.
import { ACTIVE_FLOW_RUN_STATES } from "../../../contract/run-states.ts";
import { Prisma } from "../../db/generated/client.ts";

export type Json = Prisma.InputJsonValue;

/**
 * A list of strings as one text parameter in PostgreSQL's array-literal form, cast at the use
 * (`${textArray(names)}::text[]`). The drivers disagree on how to send a JS array as a raw-query
 * parameter; text they all send alike. Every element is quoted, so any string is safe.
 */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

export function jsonOrNull(value: Json | null | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Transitions the table forbids are programming errors, not users' mistakes. */
export function checkAllowed<S extends string>(
  kind: string,
  from: readonly S[],
  to: S,
  can: (a: S, b: S) => boolean,
) {
  if (from.length === 0) throw new Error(`${kind} transition to ${to} names no from-state`);
  for (const state of from) {
    if (!can(state, to)) throw new Error(`${kind} transition ${state} → ${to} is not allowed`);
  }
}

/**
 * States as SQL literals, from the contract's lists (contract/run-states.ts), so no SQL spells a
 * state list of its own. Literals, not parameters: the planner sees the same constants the
 * hand-written lists gave it, and a state name is checked to be a bare word before it is inlined.
 */
export function stateLiteral(state: string): Prisma.Sql {
  if (!/^[A-Za-z]+$/.test(state)) throw new Error(`"${state}" is not a state name`);
  return Prisma.raw(`'${state}'`);
}

/** `('A','B')`, for `state IN ${stateList(...)}`. */
export function stateList(states: readonly string[]): Prisma.Sql {
  if (states.length === 0) throw new Error("a state list must name at least one state");
  return Prisma.sql`(${Prisma.join(states.map(stateLiteral), ",")})`;
}

/** Active means an agent holds the run under a lease (contract/run-states.ts). */
export const ACTIVE = stateList(ACTIVE_FLOW_RUN_STATES);
