// Sending one claimed delivery: a POST of its JSON payload with a timeout; a 2xx answer delivers
// it, anything else (an error status, a refused connection, no answer in time) schedules the
// next attempt by the backoff, or gives up after a day. Redirects are not followed: a webhook
// that moved is an error to fix in the rule, not a place to send a run's details unasked.
import type { Db } from "../db/client.ts";
import { VERSION } from "../version.ts";
import { nextAttemptAt } from "./backoff.ts";
import type { ClaimedDelivery } from "./claim-deliveries.ts";

export const SEND_TIMEOUT_MS = 10_000;
const MAX_ERROR = 500;

type Outcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

async function post(url: string, delivery: ClaimedDelivery): Promise<Outcome> {
  const payload = delivery.payload as { event?: string };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": `Pipebook/${VERSION}`,
        "x-pipebook-delivery": delivery.id,
        "x-pipebook-event": String(payload.event ?? ""),
      },
      body: JSON.stringify(delivery.payload),
      redirect: "manual",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const text = await response.text().catch(() => "");
    if (response.status >= 200 && response.status < 300)
      return { ok: true, status: response.status };
    const said = text.trim() ? `: ${text.trim().replace(/\s+/g, " ")}` : "";
    return {
      ok: false,
      status: response.status,
      error: `the receiver answered ${response.status} ${response.statusText}${said}`.slice(
        0,
        MAX_ERROR,
      ),
    };
  } catch (error) {
    return { ok: false, status: null, error: describeFailure(error) };
  }
}

function describeFailure(error: unknown): string {
  const e = error as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (e.name === "TimeoutError") return `no answer within ${SEND_TIMEOUT_MS / 1000} s`;
  const cause = e.cause?.code ?? e.cause?.message;
  return `could not reach the receiver: ${cause ?? e.message ?? String(error)}`.slice(0, MAX_ERROR);
}

/** Sends it and records the outcome; returns it. */
export async function sendDelivery(db: Db, delivery: ClaimedDelivery): Promise<Outcome> {
  const outcome = await post(delivery.url, delivery);
  const now = new Date();
  // Only under the attempt this sender claimed: a delivery another sender took over since (its
  // lease ran out) is that sender's to record.
  const mine = { id: delivery.id, status: "delivering" as const, attempts: delivery.attempts };
  if (outcome.ok) {
    await db.notificationDelivery.updateMany({
      where: mine,
      data: { status: "delivered", deliveredAt: now, lastStatus: outcome.status, lastError: null },
    });
  } else {
    const next = nextAttemptAt(delivery.createdAt, delivery.attempts, now);
    await db.notificationDelivery.updateMany({
      where: mine,
      data: {
        status: next ? "pending" : "failed",
        nextAttemptAt: next ?? now,
        lastStatus: outcome.status,
        lastError: next
          ? outcome.error
          : `${outcome.error} (gave up after ${delivery.attempts} attempts)`,
      },
    });
  }
  return outcome;
}
