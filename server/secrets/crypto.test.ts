import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, deriveKey, encryptSecret, keyIdOf, secretKey } from "./crypto.ts";

const key = secretKey(crypto.randomBytes(32));

describe("secrets at rest (AES-256-GCM)", () => {
  it("round-trips any value, with a fresh IV each time and nothing of the value in the bytes", () => {
    for (const value of [
      "hunter22",
      "ünïcødé ✓ 🔑",
      "line one\nline two\n",
      "x".repeat(64 * 1024),
    ]) {
      const stored = encryptSecret(key, "TOKEN", value);
      expect(decryptSecret(key, "TOKEN", stored)).toBe(value);
      expect(stored.includes(Buffer.from(value.slice(0, 64)))).toBe(false);
    }
    const a = encryptSecret(key, "TOKEN", "same value");
    const b = encryptSecret(key, "TOKEN", "same value");
    expect(a.equals(b)).toBe(false);
    expect(a.subarray(2, 14).equals(b.subarray(2, 14))).toBe(false); // the IVs
    expect(keyIdOf(a)).toBe(key.id);
  });

  it("detects any altered byte: header, IV, tag or ciphertext", () => {
    const stored = encryptSecret(key, "TOKEN", "s3cret-value");
    for (let i = 2; i < stored.length; i++) {
      const bad = Buffer.from(stored);
      bad[i] = bad[i]! ^ 0x01;
      expect(() => decryptSecret(key, "TOKEN", bad), `byte ${i}`).toThrow(
        'secret "TOKEN" cannot be decrypted: its stored value was altered',
      );
    }
    expect(() => decryptSecret(key, "TOKEN", stored.subarray(0, 20))).toThrow(
      "is not stored in a format this server reads",
    );
    const badFormat = Buffer.from(stored);
    badFormat[0] = 9;
    expect(() => decryptSecret(key, "TOKEN", badFormat)).toThrow("format");
  });

  it("binds a value to its name: moved to another secret's row, it does not decrypt", () => {
    const stored = encryptSecret(key, "PROD_TOKEN", "s3cret-value");
    expect(() => decryptSecret(key, "TEST_TOKEN", stored)).toThrow(
      'secret "TEST_TOKEN" cannot be decrypted',
    );
  });

  it("says so when the server has another key, naming both key ids and never the value", () => {
    let other = secretKey(crypto.randomBytes(32));
    while (other.id === key.id) other = secretKey(crypto.randomBytes(32));
    const stored = encryptSecret(key, "TOKEN", "s3cret-value");
    let message = "";
    try {
      decryptSecret(other, "TOKEN", stored);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      `secret "TOKEN" was encrypted with another key (key id ${key.id}; this server's key has id ${other.id})`,
    );
    expect(message).not.toContain("s3cret");
    // A different key that happens to share the id byte still fails, on the tag.
    const sameId = { id: key.id, key: crypto.randomBytes(32) };
    expect(() => decryptSecret(sameId, "TOKEN", stored)).toThrow("cannot be decrypted");
  });

  it("derives independent keys per purpose", () => {
    const mac = deriveKey(key, "pipebook run token v1");
    expect(mac).toHaveLength(32);
    expect(mac.equals(key.key)).toBe(false);
    expect(mac.equals(deriveKey(key, "another purpose"))).toBe(false);
    expect(mac.equals(deriveKey(key, "pipebook run token v1"))).toBe(true);
  });
});
