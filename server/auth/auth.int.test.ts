import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { bootstrapAuth } from "./bootstrap.ts";
import {
  authenticateApiKey,
  authenticateSession,
  forgetApiKeys,
  principalFromHeaders,
} from "./principal.ts";
import { hashSecret } from "./secrets.ts";
import { signInWithApiKey, signOut } from "./sessions.ts";

const test = freshDatabase();

describe("API keys and sessions", () => {
  it("a fresh server writes an admin key to its data folder, readable by its owner only, once", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-home-"));
    const result = await bootstrapAuth(test.handle, { home });
    expect(result.createdKeyFile).toBe(path.join(home, "admin-api-key"));
    expect(fs.statSync(result.createdKeyFile!).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(result.createdKeyFile!, "utf8").trim();
    expect(key).toMatch(/^pb_[A-Za-z0-9_-]{43}$/);
    expect(await authenticateApiKey(test.db, key)).toMatchObject({
      userName: "admin",
      role: "admin",
      keyKind: "user",
    });
    // No admin has a password yet: each start makes a fresh one-time setup link.
    const again = await bootstrapAuth(test.handle, { home });
    expect(again.createdKeyFile).toBeUndefined();
    expect(again.setupToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(again.setupToken).not.toBe(result.setupToken);
  });

  it("PIPEBOOK_BOOTSTRAP_API_KEY becomes a working admin key, stored only as a hash", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-home-"));
    const key = `bootstrap-${crypto.randomUUID()}`;
    await bootstrapAuth(test.handle, { home, bootstrapApiKey: key });
    await bootstrapAuth(test.handle, { home, bootstrapApiKey: key });
    expect(await test.db.apiKey.count({ where: { hash: hashSecret(key) } })).toBe(1);
    expect(await test.db.apiKey.count({ where: { hash: key } })).toBe(0);
    const headers = new Headers({ authorization: `Bearer ${key}` });
    expect(await principalFromHeaders(test.db, headers, { allowSession: false })).toMatchObject({
      role: "admin",
    });
  });

  it("refuses unknown, revoked and expired keys", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-home-"));
    const key = `k-${crypto.randomUUID()}`;
    await bootstrapAuth(test.handle, { home, bootstrapApiKey: key });
    expect(await authenticateApiKey(test.db, "pb_nothing")).toBeNull();
    await test.db.apiKey.update({
      where: { hash: hashSecret(key) },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    forgetApiKeys();
    expect(await authenticateApiKey(test.db, key)).toBeNull();
    await test.db.apiKey.update({
      where: { hash: hashSecret(key) },
      data: { expiresAt: null, revokedAt: new Date() },
    });
    forgetApiKeys();
    expect(await authenticateApiKey(test.db, key)).toBeNull();
  });

  it("signs in to the studio with a key, by cookie, and signs out", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-home-"));
    const key = `s-${crypto.randomUUID()}`;
    await bootstrapAuth(test.handle, { home, bootstrapApiKey: key });
    const session = await signInWithApiKey(test.db, key);
    expect(await authenticateSession(test.db, session.token)).toMatchObject({
      userName: "admin",
      via: "session",
    });
    const cookie = new Headers({ cookie: `other=1; pipebook_session=${session.token}` });
    expect(await principalFromHeaders(test.db, cookie, { allowSession: true })).not.toBeNull();
    expect(await principalFromHeaders(test.db, cookie, { allowSession: false })).toBeNull();
    await signOut(test.db, session.token);
    expect(await authenticateSession(test.db, session.token)).toBeNull();
    await expect(signInWithApiKey(test.db, "pb_wrong")).rejects.toMatchObject({
      code: "unauthorized",
    });
  });
});
