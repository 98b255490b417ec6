import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadCliConfig } from "./config.ts";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-cli-"));
  made.push(dir);
  fs.mkdirSync(path.join(dir, ".pipebook"));
  fs.writeFileSync(path.join(dir, ".pipebook", "admin-api-key"), "pb_local_key\n");
  fs.mkdirSync(path.join(dir, "flows", "nightly"), { recursive: true });
  return dir;
}

describe("finding the API key", () => {
  it("flags win over the environment, which wins over the key file", () => {
    const dir = project();
    expect(loadCliConfig({ apiKey: "flag" }, { PIPEBOOK_API_KEY: "env" }, dir).apiKey).toBe("flag");
    expect(loadCliConfig({}, { PIPEBOOK_API_KEY: "env" }, dir).apiKey).toBe("env");
    expect(loadCliConfig({}, {}, dir)).toMatchObject({ apiKey: "pb_local_key", found: true });
  });

  it("finds the project's key from a subfolder, as git finds its repository", () => {
    const dir = project();
    const config = loadCliConfig({}, {}, path.join(dir, "flows", "nightly"));
    expect(config).toMatchObject({ apiKey: "pb_local_key", found: true });
    expect(config.keySource).toBe(path.join(dir, ".pipebook", "admin-api-key"));
  });

  it("says where it looked when there is no key", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-cli-none-"));
    made.push(dir);
    const config = loadCliConfig({}, {}, dir);
    expect(config.found).toBe(false);
    expect(config.keySource).toContain(path.join(dir, ".pipebook", "admin-api-key"));
    expect(config.keySource).toContain("PIPEBOOK_API_KEY");
  });

  it("reads PIPEBOOK_HOME's key when it is set, and never a key file for a remote server", () => {
    const dir = project();
    expect(loadCliConfig({}, { PIPEBOOK_HOME: path.join(dir, ".pipebook") }, "/").apiKey).toBe(
      "pb_local_key",
    );
    const remote = loadCliConfig({ apiUrl: "https://pipebook.example.com" }, {}, dir);
    expect(remote.apiKey).toBeUndefined();
  });
});
