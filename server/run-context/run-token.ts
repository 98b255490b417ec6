// Run tokens: what an agent gets with each run it claims, to fetch the task context (declared
// secrets and variables) of that run and nothing else. The agent keeps it; tasks never see it.
//
// A token is `pbr_<run id>.<MAC>`, the MAC being HMAC-SHA256 of the run id and the claim's lease
// id under a key derived from the server's secret key. The lease id is random per claim and
// already in the run's row, so nothing is written to mint a token (no cost on the dispatch path)
// and nothing in the database lets anyone make one. It stops working when the run ends, when its
// lease lapses, or when the run is claimed again (a new lease id) — all read from the run's row
// when the token is presented.
import crypto from "node:crypto";
import { deriveKey, type SecretKey } from "../secrets/crypto.ts";

export const RUN_TOKEN_PREFIX = "pbr_";
const PURPOSE = "pipebook run token v1";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const macKeys = new WeakMap<SecretKey, Buffer>();

function mac(key: SecretKey, flowRunId: string, leaseId: string): Buffer {
  let macKey = macKeys.get(key);
  if (!macKey) macKeys.set(key, (macKey = deriveKey(key, PURPOSE)));
  return crypto.createHmac("sha256", macKey).update(`${flowRunId}\0${leaseId}`).digest();
}

export function mintRunToken(key: SecretKey, flowRunId: string, leaseId: string): string {
  return `${RUN_TOKEN_PREFIX}${flowRunId}.${mac(key, flowRunId, leaseId).toString("base64url")}`;
}

/** The run a token names, or null when it is not shaped like a run token. */
export function runOfToken(token: string): string | null {
  if (!token.startsWith(RUN_TOKEN_PREFIX)) return null;
  const [runId, tag, extra] = token.slice(RUN_TOKEN_PREFIX.length).split(".");
  return runId && tag && extra === undefined && UUID.test(runId) ? runId : null;
}

/** Whether the token was minted for this run under this lease (constant-time comparison). */
export function runTokenMatches(key: SecretKey, token: string, leaseId: string): boolean {
  const runId = runOfToken(token);
  if (!runId) return false;
  // Compared as text: base64url decoding skips stray characters, so bytes could match twice.
  const given = Buffer.from(token.slice(token.indexOf(".") + 1));
  const expected = Buffer.from(mac(key, runId, leaseId).toString("base64url"));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}
