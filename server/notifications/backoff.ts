// When a failed delivery is tried again: 1 s, 2 s, 4 s … doubling up to 5 minutes, for a day.
// A receiver down for 10 s gets the message at the attempt ~15 s after the first; one down for
// hours gets it within 5 minutes of coming back. After a day the delivery is given up (failed,
// shown in its rule's log with the last error; Retry sends it again).
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 5 * 60_000;
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/** The delay after the `attempts`-th failed attempt (1-based). */
export function retryDelayMs(attempts: number): number {
  // 2^19 s is past the cap already: no overflow however many attempts.
  const exponent = Math.min(Math.max(attempts, 1) - 1, 19);
  return Math.min(FIRST_DELAY_MS * 2 ** exponent, MAX_DELAY_MS);
}

/** When to try again after a failed attempt, or null to give up. */
export function nextAttemptAt(createdAt: Date, attempts: number, now: Date): Date | null {
  const next = new Date(now.getTime() + retryDelayMs(attempts));
  return next.getTime() - createdAt.getTime() > GIVE_UP_AFTER_MS ? null : next;
}
