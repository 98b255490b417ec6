// API keys and session tokens: 256 random bits, stored only as SHA-256 hashes. With that much
// entropy a fast hash is as safe as a slow password hash and costs microseconds per request.
import crypto from "node:crypto";

export const API_KEY_PREFIX = "pb_";

export function generateApiKey(): string {
  return API_KEY_PREFIX + crypto.randomBytes(32).toString("base64url");
}

export function generateToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

/** What lists show of a key: enough to tell keys apart, nothing that helps to guess one. */
export function keyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}
