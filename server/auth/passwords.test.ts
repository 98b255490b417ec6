import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./passwords.ts";

describe("password hashing (scrypt)", () => {
  it("stores the scheme, its cost and a per-user salt with the hash, never the password", async () => {
    const password = "correct horse battery staple";
    const [a, b] = [await hashPassword(password), await hashPassword(password)];
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain(password);
    // Same password, other salt: other hash.
    expect(a.split("$")[4]).not.toBe(b.split("$")[4]);
    expect(a).not.toBe(b);
  });

  it("verifies the right password only", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
    const [scheme, n, r, p, salt, hash] = stored.split("$") as string[];
    const otherSalt = `${salt!.slice(0, -2)}${salt!.endsWith("AA") ? "BA" : "AA"}`;
    expect(
      await verifyPassword(
        "correct horse battery staple",
        [scheme, n, r, p, otherSalt, hash].join("$"),
      ),
    ).toBe(false);
    expect(await verifyPassword("x", "sha256$abc")).toBe(false);
  });

  it("reads the cost from the stored hash, so raising it later keeps old hashes working", async () => {
    // A hash made with other parameters (N=2^14), as an older version might have stored it.
    const crypto = await import("node:crypto");
    const salt = crypto.randomBytes(16);
    const hash = crypto.scryptSync("an older password!", salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const stored = [
      "scrypt",
      2 ** 14,
      8,
      1,
      salt.toString("base64url"),
      hash.toString("base64url"),
    ].join("$");
    expect(await verifyPassword("an older password!", stored)).toBe(true);
  });
});
