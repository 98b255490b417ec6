import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { secretKey } from "../secrets/crypto.ts";
import { mintRunToken, runOfToken, runTokenMatches } from "./run-token.ts";

const key = secretKey(crypto.randomBytes(32));
const run = crypto.randomUUID();
const lease = crypto.randomUUID();

describe("run tokens", () => {
  it("name their run and match only the claim (lease) and key they were minted for", () => {
    const token = mintRunToken(key, run, lease);
    expect(token).toMatch(/^pbr_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(runOfToken(token)).toBe(run);
    expect(runTokenMatches(key, token, lease)).toBe(true);
    expect(runTokenMatches(key, token, crypto.randomUUID())).toBe(false);
    expect(runTokenMatches(secretKey(crypto.randomBytes(32)), token, lease)).toBe(false);
  });

  it("refuse anything altered or not shaped like one", () => {
    const token = mintRunToken(key, run, lease);
    const other = crypto.randomUUID();
    expect(runTokenMatches(key, token.replace(run, other), lease)).toBe(false);
    expect(runTokenMatches(key, `${token}x`, lease)).toBe(false);
    expect(runTokenMatches(key, `${token}!`, lease)).toBe(false);
    expect(runTokenMatches(key, token.slice(0, -1), lease)).toBe(false);
    for (const bad of ["", "pb_key", `pbr_${run}`, `pbr_nope.abc`, `pbr_${run}.a.b`]) {
      expect(runOfToken(bad), bad).toBeNull();
      expect(runTokenMatches(key, bad, lease)).toBe(false);
    }
  });
});
