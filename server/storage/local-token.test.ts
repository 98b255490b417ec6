// The local storage's transfer tokens: what a pre-signed URL is for S3. One key, one method, one
// size, until it expires; nobody without the server's key can make or change one.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { secretKey } from "../secrets/crypto.ts";
import { mintLocalToken, readLocalToken } from "./local-token.ts";
import { resultKey, runPrefix } from "./object-store.ts";

const key = secretKey(crypto.randomBytes(32));
const grant = {
  key: "runs/r/make/1-abc.json",
  method: "PUT" as const,
  sizeBytes: 10,
  expires: 2_000,
};

describe("local storage tokens", () => {
  it("open what they were minted for, until they expire", () => {
    const token = mintLocalToken(key, grant);
    expect(readLocalToken(key, token, 1_000)).toEqual({ ok: true, grant });
    expect(readLocalToken(key, token, 2_001)).toEqual({
      ok: false,
      why: "the transfer URL has expired",
    });
  });

  it("refuse a changed grant, another server's key and a malformed token", () => {
    const token = mintLocalToken(key, grant);
    const [, tag] = token.split(".");
    const forged = `${Buffer.from(JSON.stringify({ ...grant, sizeBytes: 1e9 })).toString("base64url")}.${tag}`;
    expect(readLocalToken(key, forged, 1_000)).toMatchObject({ ok: false });
    expect(readLocalToken(secretKey(crypto.randomBytes(32)), token, 1_000)).toMatchObject({
      ok: false,
      why: "the token's signature does not match",
    });
    expect(readLocalToken(key, "nonsense", 1_000)).toEqual({ ok: false, why: "malformed token" });
  });
});

describe("result keys", () => {
  it("are under the run's own prefix, per task, item and attempt", () => {
    expect(resultKey("run-1", "make", 2, undefined, "ff")).toBe("runs/run-1/make/2-ff.json");
    expect(resultKey("run-1", "make", 1, 7, "ff")).toBe("runs/run-1/make.7/1-ff.json");
    expect(resultKey("run-1", "make", 1, 7, "ff").startsWith(runPrefix("run-1"))).toBe(true);
  });
});
