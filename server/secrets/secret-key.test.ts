import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, localAgentEnvironment } from "../config.ts";
import { loadSecretKey } from "./secret-key.ts";

const tempHome = () => fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-key-"));

describe("the secret key", () => {
  it("takes PIPEBOOK_SECRET_KEY as 64 hex digits or base64 (padded, unpadded, url-safe)", () => {
    const bytes = crypto.randomBytes(32);
    for (const text of [
      bytes.toString("hex"),
      bytes.toString("base64"),
      bytes.toString("base64url"),
      ` ${bytes.toString("base64")}\n`,
    ]) {
      const config = loadConfig({ PIPEBOOK_SECRET_KEY: text }, "/srv");
      expect(config.secretKey).toEqual({ source: "env", key: bytes });
    }
  });

  it("refuses a key of the wrong length at start, saying how to make one, never echoing it", () => {
    for (const [text, why] of [
      [crypto.randomBytes(16).toString("base64"), "it decodes to 16 bytes"],
      [crypto.randomBytes(33).toString("hex"), "it decodes to 49 bytes"],
      ["not a key at all!", "it holds characters that are neither"],
    ] as const) {
      let message = "";
      try {
        loadConfig({ PIPEBOOK_SECRET_KEY: text });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain(
        "PIPEBOOK_SECRET_KEY: must be 32 random bytes written as 64 hex digits or 44 base64 characters; make one with: openssl rand -base64 32",
      );
      expect(message).toContain(why);
      expect(message).not.toContain(text.trim());
    }
  });

  it("otherwise lives in <PIPEBOOK_HOME>/secret-key, made with mode 0600 on first start and kept", () => {
    const home = tempHome();
    const config = loadConfig({ PIPEBOOK_HOME: home });
    expect(config.secretKey).toEqual({ source: "file", path: path.join(home, "secret-key") });
    const first = loadSecretKey(config);
    expect(first.createdFile).toBe(path.join(home, "secret-key"));
    expect(fs.statSync(first.createdFile!).mode & 0o777).toBe(0o600);
    expect(first.warning).toBeUndefined();
    const again = loadSecretKey(config);
    expect(again.createdFile).toBeUndefined();
    expect(again.key.key.equals(first.key.key)).toBe(true);
  });

  it("refuses a damaged key file and warns about one that others can read", () => {
    const home = tempHome();
    const file = path.join(home, "secret-key");
    fs.writeFileSync(file, "too short\n", { mode: 0o600 });
    expect(() => loadSecretKey(loadConfig({ PIPEBOOK_HOME: home }))).toThrow(
      `the secret key file ${file} is not a valid key`,
    );
    fs.writeFileSync(file, crypto.randomBytes(32).toString("hex"));
    fs.chmodSync(file, 0o644);
    expect(loadSecretKey(loadConfig({ PIPEBOOK_HOME: home })).warning).toBe(
      `the secret key file ${file} can be read by other users (mode 644): chmod 600 ${file}`,
    );
  });

  it("never reaches the local agent (and so its tasks) through the environment", () => {
    const env = localAgentEnvironment({
      ...process.env,
      PIPEBOOK_API_KEY: "pb_someone_elses",
      PIPEBOOK_HOME: "/srv/pipebook",
      PIPEBOOK_SECRET_KEY: crypto.randomBytes(32).toString("hex"),
      PATH: "/usr/bin",
    });
    expect(env.PIPEBOOK_SECRET_KEY).toBeUndefined();
    // Nor the agent's key (it arrives on a pipe) nor where the data folder is.
    expect(env.PIPEBOOK_API_KEY).toBeUndefined();
    expect(env.PIPEBOOK_HOME).toBeUndefined();
    expect(env.PATH).toBe("/usr/bin");
  });
});
