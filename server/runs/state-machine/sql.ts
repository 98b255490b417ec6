// Small helpers for the state machine's SQL.
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

/** Active means an agent holds the run under a lease. */
export const ACTIVE_FLOW_RUN_STATES = ["Pending", "Running", "Cancelling"] as const;
export const ACTIVE = Prisma.sql`('Pending','Running','Cancelling')`;
