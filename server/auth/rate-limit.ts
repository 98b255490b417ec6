// Failure counters that slow down guessing: of passwords (per account and per client address)
// and of API keys (per client address). Kept in memory, per server process: with several replicas
// behind a load balancer each counts on its own, so an attacker gets at most (replicas × limit)
// tries per window — still far too few to guess a password of 12+ characters or a key.
import { PipebookError } from "../errors.ts";

export type Limit = { failures: number; windowMs: number; what: string };

const MINUTE = 60_000;

/** Sign-in: a password (or API key) tried in the sign-in form. */
export const SIGN_IN_PER_ACCOUNT: Limit = {
  failures: 5,
  windowMs: 15 * MINUTE,
  what: "failed sign-ins for this account",
};
export const SIGN_IN_PER_ADDRESS: Limit = {
  failures: 20,
  windowMs: 15 * MINUTE,
  what: "failed sign-ins from your address",
};
/**
 * Bearer keys that match no key at all (revoked and expired keys do not count: an agent left
 * running with a revoked key is a mistake, not a guess).
 */
export const UNKNOWN_KEYS_PER_ADDRESS: Limit = {
  failures: 50,
  windowMs: 15 * MINUTE,
  what: "unknown API keys from your address",
};

// The number of counters kept: past it the oldest are dropped (an attacker who makes that many
// addresses could anyway spread his tries over them).
const MAX_KEYS = 50_000;

export class FailureCounter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly limit: Limit) {}

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfterSeconds(key: string, now = Date.now()): number {
    const recent = this.recent(key, now);
    if (recent.length < this.limit.failures) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.limit.windowMs - now) / 1000));
  }

  fail(key: string, now = Date.now()): void {
    const recent = this.recent(key, now);
    recent.push(now);
    // Only the last `failures` matter to the rule.
    if (recent.length > this.limit.failures) recent.shift();
    this.failures.delete(key);
    this.failures.set(key, recent);
    if (this.failures.size > MAX_KEYS) {
      this.failures.delete(this.failures.keys().next().value!);
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  /** Refuses with 429 (and when to retry) when `key` has used up its failures. */
  check(key: string, now = Date.now()): void {
    const wait = this.retryAfterSeconds(key, now);
    if (wait > 0) throw rateLimited(this.limit, wait);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.limit.windowMs);
  }
}

export function rateLimited(limit: Limit, retryAfterSeconds: number): PipebookError {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new PipebookError(
    "rate_limited",
    `too many ${limit.what} (${limit.failures} in ${limit.windowMs / MINUTE} minutes): try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
    { retryAfterSeconds },
  );
}

type Counters = { account: FailureCounter; address: FailureCounter; keys: FailureCounter };
const COUNTERS = Symbol.for("pipebook.rate-limits");

/** The process's counters (on globalThis: every bundle Next.js makes must share them). */
export function rateLimits(): Counters {
  const holder = globalThis as { [COUNTERS]?: Counters };
  holder[COUNTERS] ??= {
    account: new FailureCounter(SIGN_IN_PER_ACCOUNT),
    address: new FailureCounter(SIGN_IN_PER_ADDRESS),
    keys: new FailureCounter(UNKNOWN_KEYS_PER_ADDRESS),
  };
  return holder[COUNTERS];
}

/** Forgets every count (tests). */
export function resetRateLimits(): void {
  delete (globalThis as { [COUNTERS]?: Counters })[COUNTERS];
}

/**
 * The header the launcher (bin/pipebook-server.mjs) sets to the socket's peer address, after
 * removing any copy a client sent. Behind a reverse proxy that address is the proxy's: all its
 * clients then share the per-address counts.
 */
export const CLIENT_ADDRESS_HEADER = "x-pipebook-client-address";

export function clientAddress(headers: Headers): string {
  return headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
}
