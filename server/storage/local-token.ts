// Tokens of the local storage's transfer URLs: what a pre-signed URL is for S3. A token names one
// key, one method, a size (for PUT) and an expiry, under an HMAC with a key derived from the
// server's secret key — so nothing is written to hand one out, and nobody can forge one.
import crypto from "node:crypto";
import { deriveKey, type SecretKey } from "../secrets/crypto.ts";

const PURPOSE = "pipebook local storage url v1";
const macKeys = new WeakMap<SecretKey, Buffer>();

export type LocalGrant = {
  key: string;
  method: "PUT" | "GET";
  sizeBytes?: number;
  expires: number;
};

function mac(key: SecretKey, payload: string): string {
  let macKey = macKeys.get(key);
  if (!macKey) macKeys.set(key, (macKey = deriveKey(key, PURPOSE)));
  return crypto.createHmac("sha256", macKey).update(payload).digest("base64url");
}

export function mintLocalToken(key: SecretKey, grant: LocalGrant): string {
  const payload = Buffer.from(JSON.stringify(grant)).toString("base64url");
  return `${payload}.${mac(key, payload)}`;
}

/** The grant, or why the token does not open anything. */
export function readLocalToken(
  key: SecretKey,
  token: string,
  now = Date.now(),
): { ok: true; grant: LocalGrant } | { ok: false; why: string } {
  const [payload, tag, extra] = token.split(".");
  if (!payload || !tag || extra !== undefined) return { ok: false, why: "malformed token" };
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(tag);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    return { ok: false, why: "the token's signature does not match" };
  }
  const grant = JSON.parse(Buffer.from(payload, "base64url").toString()) as LocalGrant;
  if (grant.expires < now) return { ok: false, why: "the transfer URL has expired" };
  return { ok: true, grant };
}
