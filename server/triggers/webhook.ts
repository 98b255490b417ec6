// POST /api/v1/hooks/<token>: a webhook call. The token is the credential — looked up by its
// hash, so comparing it costs the same whatever it is — and a call is refused before anything is
// written: unknown or inactive token (404, without saying which), too many calls (429), not
// JSON (415), a body that does not give valid parameters (400 naming the field). A good call
// creates one run and its firing, in one transaction.
import type { Limit } from "../auth/rate-limit.ts";
import { clientAddress, FailureCounter, rateLimits } from "../auth/rate-limit.ts";
import { hashSecret } from "../auth/secrets.ts";
import type { Db } from "../db/client.ts";
import { isPipebookError, PipebookError } from "../errors.ts";
import { plannedRun, recordFiring } from "./fire-trigger.ts";
import { MappingError, webhookParameters } from "./map-parameters.ts";

/** Calls per trigger (counted whatever their outcome): a runaway sender cannot flood a queue. */
export const WEBHOOK_CALLS: Limit = {
  failures: 120,
  windowMs: 60_000,
  what: "calls of this webhook",
};

const COUNTER = Symbol.for("pipebook.webhook-calls");

/** The process's counter (on globalThis: every bundle Next.js makes must share it). */
function webhookCalls(): FailureCounter {
  const holder = globalThis as { [COUNTER]?: FailureCounter };
  holder[COUNTER] ??= new FailureCounter(WEBHOOK_CALLS);
  return holder[COUNTER];
}

const NO_HOOK = "no active webhook at this address: check the URL, or ask for a new one";

export type WebhookCall = { token: string; headers: Headers; body: () => Promise<unknown> };

export async function receiveWebhook(db: Db, call: WebhookCall): Promise<{ runId: string }> {
  const address = clientAddress(call.headers);
  // Guessing tokens counts against the same per-address limit as guessing API keys.
  rateLimits().keys.check(address);
  const trigger = await db.trigger.findUnique({
    where: { tokenHash: hashSecret(call.token) },
    select: { id: true, name: true, deploymentId: true, active: true, parameterMap: true },
  });
  if (!trigger?.active) {
    if (!trigger) rateLimits().keys.fail(address);
    throw new PipebookError("not_found", NO_HOOK);
  }
  webhookCalls().check(trigger.id);
  webhookCalls().fail(trigger.id);
  const type = (call.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new PipebookError(
      "unsupported_media_type",
      `a webhook's body is JSON: send it with content-type: application/json (not ${type || "no content type"})`,
    );
  }
  const map = trigger.parameterMap as Record<string, string>;
  try {
    const planned = await plannedRun(db, trigger, webhookParameters(map, await call.body()));
    const fired = await recordFiring(db, trigger, null, { planned });
    return { runId: fired!.runId! };
  } catch (error) {
    if (error instanceof MappingError) throw new PipebookError("bad_request", error.message);
    if (isPipebookError(error) && error.code === "invalid_parameters") {
      throw withSources(error, map);
    }
    throw error;
  }
}

/** Says where in the body a refused parameter came from, when the trigger maps it. */
function withSources(error: PipebookError, map: Record<string, string>): PipebookError {
  const issues = (error.details?.issues ?? []) as { field: string }[];
  const sources = issues
    .map((i) => i.field.split(/[.[]/)[0]!)
    .filter((name, i, all) => name in map && all.indexOf(name) === i)
    .map((name) => `"${name}" is read from the body at "${map[name]}"`);
  if (!sources.length) return error;
  return new PipebookError(
    "invalid_parameters",
    `${error.message} (${sources.join("; ")})`,
    error.details,
  );
}
