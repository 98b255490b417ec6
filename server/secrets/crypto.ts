// Secrets at rest: AES-256-GCM from node:crypto. Each value gets a fresh random 96-bit IV (GCM's
// native size: with random IVs, 2^32 encryptions under one key stay within NIST's bound), a
// 128-bit authentication tag, and the secret's name as associated data — so a stored value that
// was altered, or moved under another name, fails to decrypt instead of yielding something.
//
// Stored form: [format 1][key id][12-byte IV][16-byte tag][ciphertext]. The key id (a byte
// derived from the key) says which key a value needs, so keys can rotate later and a server
// started with the wrong key says so rather than "decryption failed".
import crypto from "node:crypto";

const FORMAT = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 2 + IV_BYTES + TAG_BYTES;

export type SecretKey = { id: number; key: Buffer };

export class SecretDecryptError extends Error {
  override name = "SecretDecryptError";
}

/** The key with its id: one byte of a hash of the key (it reveals nothing useful of the key). */
export function secretKey(key: Buffer): SecretKey {
  if (key.length !== 32) throw new Error(`a secret key is 32 bytes (got ${key.length})`);
  const id = crypto
    .createHash("sha256")
    .update("pipebook secret key id\0")
    .update(key)
    .digest()[0]!;
  return { id, key };
}

const associatedData = (name: string) => Buffer.from(`pipebook secret\0${name}`, "utf8");

export function encryptSecret(key: SecretKey, name: string, value: string): Buffer {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(name));
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT, key.id]), iv, cipher.getAuthTag(), body]);
}

/** The key id a stored value needs, or null when it is not in a known format. */
export function keyIdOf(stored: Uint8Array): number | null {
  return stored.length >= HEADER_BYTES && stored[0] === FORMAT ? stored[1]! : null;
}

/**
 * The value stored for `name`. Throws SecretDecryptError, naming the secret but never the
 * value, when the stored bytes were altered, belong to another name, or need another key.
 */
export function decryptSecret(key: SecretKey, name: string, stored: Uint8Array): string {
  const keyId = keyIdOf(stored);
  if (keyId === null) {
    throw new SecretDecryptError(`secret "${name}" is not stored in a format this server reads`);
  }
  if (keyId !== key.id) {
    throw new SecretDecryptError(
      `secret "${name}" was encrypted with another key (key id ${keyId}; this server's key has id ${key.id}): start the server with the PIPEBOOK_SECRET_KEY (or secret-key file) it was set under, or set the secret again`,
    );
  }
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const iv = bytes.subarray(2, 2 + IV_BYTES);
  const tag = bytes.subarray(2 + IV_BYTES, HEADER_BYTES);
  const decipher = crypto.createDecipheriv("aes-256-gcm", key.key, iv, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(associatedData(name));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(HEADER_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new SecretDecryptError(
      `secret "${name}" cannot be decrypted: its stored value was altered (or belongs to another secret); set it again`,
    );
  }
}

/**
 * A key for another purpose (the run tokens' MAC), derived from the secret key with HKDF, so
 * one key file serves both and neither use can stand in for the other.
 */
export function deriveKey(key: SecretKey, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", key.key, Buffer.alloc(0), purpose, 32));
}
