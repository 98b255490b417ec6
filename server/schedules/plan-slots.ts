// Which slots of a schedule get a run in this scheduler step — the catch-up policy in one pure
// function, so its table is unit-tested without a clock or a database.
import type { CatchupPolicy } from "../../contract/schedules.ts";
import type { ScheduleRule } from "./schedule-rules.ts";

/**
 * A slot this late is still on time, not missed: it covers a step that ran late (a busy
 * database, a pause for garbage collection) without counting it as downtime.
 */
export const ON_TIME_GRACE_MS = 30_000;
/** Runs are created up to this far ahead, so they show as Scheduled with their time. */
export const HORIZON_MS = 5 * 60_000;
/** At most this many runs of a schedule wait for their slot at once: "1s" does not flood. */
export const AHEAD = 10;

export type SlotPlan = {
  /** The slots to create runs for, oldest first. */
  slots: Date[];
  /** Every slot up to here is dealt with: created, or skipped by the catch-up policy. */
  until: Date;
  /**
   * When the schedule next needs a step: when its next slot comes within the horizon, or, when
   * the AHEAD cap held it back, when the first waiting slot arrives. Null: the rule has ended.
   */
  dueAt: Date | null;
};

export function planSlots(
  rule: ScheduleRule,
  state: { scheduledUntil: Date; catchup: CatchupPolicy; catchupMax: number },
  now: Date,
): SlotPlan {
  const onTimeFrom = new Date(now.getTime() - ON_TIME_GRACE_MS);
  let missed: Date[] = [];
  if (state.scheduledUntil < onTimeFrom) {
    const keep = { skip: 0, latest: 1, all: state.catchupMax }[state.catchup];
    missed =
      keep > 0 ? rule.previous(onTimeFrom, keep).filter((s) => s > state.scheduledUntil) : [];
  }
  const from = state.scheduledUntil < onTimeFrom ? onTimeFrom : state.scheduledUntil;
  const upcoming = rule.next(now, AHEAD);
  const limit = Math.min(now.getTime() + HORIZON_MS, upcoming.at(-1)?.getTime() ?? Infinity);
  const ahead = rule.next(from, AHEAD).filter((s) => s.getTime() <= limit);
  const until = ahead.at(-1) ?? from;
  const next = rule.next(until, 1)[0];
  let dueAt: Date | null = null;
  if (next) {
    const entersHorizon = next.getTime() - HORIZON_MS;
    dueAt = entersHorizon > now.getTime() ? new Date(entersHorizon) : (upcoming[0] ?? next);
  }
  return { slots: [...missed, ...ahead], until, dueAt };
}
