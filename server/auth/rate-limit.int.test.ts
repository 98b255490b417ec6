// Guessing is slowed down: sign-in failures per account and per client address, and unknown
// API keys per address, answer 429 with Retry-After once used up, until their window passes.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { authRequest, PASSWORD, seedPerson, sessionOf } from "../../test/support/accounts.ts";
import { freshDatabase, serveFrom } from "../../test/support/database.ts";
import { postSession } from "../api/auth-session.ts";
import { dispatch } from "../api/routes.ts";
import { resetRateLimits } from "./rate-limit.ts";
import { generateApiKey, hashSecret, keyPrefix } from "./secrets.ts";

const test = freshDatabase();
serveFrom(test);

const signIn = (body: Record<string, string>, address: string, url?: string) =>
  postSession(...authRequest("/api/auth/session", body, { address, ...(url ? { url } : {}) }));
const MINUTE = 60_000;

beforeEach(() => {
  resetRateLimits();
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("sign-in limits", () => {
  it("after 5 wrong passwords an account answers 429 — even to the right one — until 15 minutes pass", async () => {
    const ann = await seedPerson(test.db);
    for (let i = 0; i < 5; i++) {
      // Five addresses: it is the account's count that runs out.
      const wrong = await signIn({ email: ann.email!, password: "wrong password!" }, `10.0.0.${i}`);
      expect(wrong.status).toBe(401);
    }
    const locked = await signIn({ email: ann.email!, password: PASSWORD }, "10.0.1.1");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect(((await locked.json()) as { error: { message: string } }).error.message).toBe(
      "too many failed sign-ins for this account (5 in 15 minutes): try again in 15 minutes",
    );
    // Another account is not affected.
    const bob = await seedPerson(test.db);
    expect((await signIn({ email: bob.email!, password: PASSWORD }, "10.0.1.1")).status).toBe(200);
    vi.setSystemTime(Date.now() + 15 * MINUTE + 1000);
    expect((await signIn({ email: ann.email!, password: PASSWORD }, "10.0.1.1")).status).toBe(200);
  });

  it("after 20 failures from one address it answers 429 for any account, until the window passes", async () => {
    const cy = await seedPerson(test.db);
    for (let i = 0; i < 20; i++) {
      // Unknown accounts count too, so guessing emails is limited as well.
      const wrong = await signIn(
        { email: `x${i}@example.org`, password: "wrong password!" },
        "10.0.2.2",
      );
      expect(wrong.status).toBe(401);
    }
    const blocked = await signIn({ email: cy.email!, password: PASSWORD }, "10.0.2.2");
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { error: { message: string } }).error.message).toContain(
      "too many failed sign-ins from your address (20 in 15 minutes)",
    );
    expect((await signIn({ email: cy.email!, password: PASSWORD }, "10.0.2.3")).status).toBe(200);
    vi.setSystemTime(Date.now() + 15 * MINUTE + 1000);
    expect((await signIn({ email: cy.email!, password: PASSWORD }, "10.0.2.2")).status).toBe(200);
  }, 120_000);

  it("wrong API keys in the sign-in form count against the address too", async () => {
    for (let i = 0; i < 20; i++) {
      expect((await signIn({ apiKey: `pb_wrong${i}` }, "10.0.3.3")).status).toBe(401);
    }
    expect((await signIn({ apiKey: "pb_wrong" }, "10.0.3.3")).status).toBe(429);
  });
});

describe("API key limits", () => {
  const get = (key: string, address: string) =>
    dispatch(
      new Request("http://127.0.0.1/api/v1/flows", {
        headers: { authorization: `Bearer ${key}`, "x-pipebook-client-address": address },
      }),
    );

  it("after 50 unknown keys from one address every key from it gets 429 until the window passes", async () => {
    const user = await seedPerson(test.db, "viewer");
    const key = generateApiKey();
    await test.db.apiKey.create({
      data: { name: "k", prefix: keyPrefix(key), hash: hashSecret(key), userId: user.id },
    });
    for (let i = 0; i < 50; i++) expect((await get(`pb_guess${i}`, "10.0.4.4")).status).toBe(401);
    const blocked = await get(key, "10.0.4.4");
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await get(key, "10.0.4.5")).status).toBe(200);
    vi.setSystemTime(Date.now() + 15 * MINUTE + 1000);
    expect((await get(key, "10.0.4.4")).status).toBe(200);
  });

  it("a revoked key does not count as a guess (an agent left running with one)", async () => {
    const user = await seedPerson(test.db, "viewer");
    const key = generateApiKey();
    await test.db.apiKey.create({
      data: {
        name: "old",
        prefix: keyPrefix(key),
        hash: hashSecret(key),
        userId: user.id,
        revokedAt: new Date(),
      },
    });
    for (let i = 0; i < 60; i++) expect((await get(key, "10.0.5.5")).status).toBe(401);
  });
});

describe("the session cookie", () => {
  it("is httpOnly and SameSite=Lax, and Secure when served over https", async () => {
    const dee = await seedPerson(test.db);
    const plain = await signIn({ email: dee.email!, password: PASSWORD }, "10.0.6.6");
    const cookie = plain.headers.getSetCookie()[0]!;
    expect(sessionOf(plain)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie).toContain("; HttpOnly");
    expect(cookie).toContain("; SameSite=Lax");
    expect(cookie).toContain("; Path=/");
    expect(cookie).not.toContain("Secure");
    const tls = await signIn(
      { email: dee.email!, password: PASSWORD },
      "10.0.6.6",
      "https://pipebook.example",
    );
    expect(tls.headers.getSetCookie()[0]).toMatch(/; HttpOnly; SameSite=Lax; .*; Secure$/);
  });
});

describe("login CSRF by a form of another site", () => {
  it("a text/plain post whose body parses as JSON signs nobody in (415)", async () => {
    const key = generateApiKey();
    const user = await seedPerson(test.db, "viewer");
    await test.db.apiKey.create({
      data: { name: "k", prefix: keyPrefix(key), hash: hashSecret(key), userId: user.id },
    });
    // What <form enctype="text/plain"> with a field named `{"apiKey":"…","email":"` sends.
    const forged = await postSession(
      ...authRequest(
        "/api/auth/session",
        { apiKey: key, email: "=" },
        {
          headers: { "content-type": "text/plain" },
        },
      ),
    );
    expect(forged.status).toBe(415);
    expect(forged.headers.getSetCookie()).toEqual([]);
    const real = await signIn({ apiKey: key }, "10.0.7.7");
    expect(real.status).toBe(200);
  });
});
