import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("configuration", () => {
  it("defaults to 127.0.0.1:4200 and the embedded database under ./.pipebook", () => {
    const config = loadConfig({}, "/srv/pipebook");
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 4200,
      home: "/srv/pipebook/.pipebook",
      database: { kind: "pglite", dataDir: "/srv/pipebook/.pipebook/db" },
      localAgent: true,
    });
  });

  it("switches to PostgreSQL with DATABASE_URL and moves the data folder with PIPEBOOK_HOME", () => {
    const config = loadConfig(
      {
        DATABASE_URL: "postgresql://u@db:5432/p",
        PIPEBOOK_HOME: "/data/pb",
        PORT: "8080",
        PIPEBOOK_LOCAL_AGENT: "0",
      },
      "/srv",
    );
    expect(config.database).toEqual({
      kind: "postgres",
      url: "postgresql://u@db:5432/p",
      poolSize: 10,
    });
    expect(config.home).toBe(path.resolve("/data/pb"));
    expect(config.port).toBe(8080);
    expect(config.localAgent).toBe(false);
  });

  it("sizes the PostgreSQL pool with PIPEBOOK_DB_POOL_SIZE and refuses a pool of one", () => {
    const env = { DATABASE_URL: "postgresql://u@db:5432/p", PIPEBOOK_DB_POOL_SIZE: "40" };
    expect(loadConfig(env, "/srv").database).toMatchObject({ poolSize: 40 });
    expect(() => loadConfig({ ...env, PIPEBOOK_DB_POOL_SIZE: "1" }, "/srv")).toThrow(
      /PIPEBOOK_DB_POOL_SIZE/,
    );
  });

  it("renews leases a third of a lease apart, in whole milliseconds, and keeps a re-attach grace", () => {
    const agents = loadConfig({ PIPEBOOK_LEASE_SECONDS: "5" }, "/srv/pipebook").agents;
    expect(agents).toMatchObject({ leaseMs: 5_000, heartbeatIntervalMs: 1_666 });
    expect(agents.reattachGraceMs).toBe(120_000);
    expect(
      loadConfig({ PIPEBOOK_REATTACH_GRACE_SECONDS: "0" }, "/srv/pipebook").agents.reattachGraceMs,
    ).toBe(0);
  });

  it("explains every bad setting at once", () => {
    expect(() =>
      loadConfig({ PORT: "http", DATABASE_URL: "mysql://x", PIPEBOOK_BOOTSTRAP_API_KEY: "short" }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ PORT: "http", DATABASE_URL: "mysql://x" });
    } catch (error) {
      expect((error as Error).message).toContain("PORT:");
      expect((error as Error).message).toContain("DATABASE_URL: must be a postgresql:// URL");
    }
  });

  it("refuses a bootstrap key shorter than 32 characters, saying how to make one", () => {
    const short = "a-key-of-31-characters-00000000";
    expect(short).toHaveLength(31);
    expect(() => loadConfig({ PIPEBOOK_BOOTSTRAP_API_KEY: short })).toThrow(
      "PIPEBOOK_BOOTSTRAP_API_KEY: must be at least 32 characters (it is an admin key, and a short one can be guessed); make one with: openssl rand -base64 32",
    );
    const long = `${short}0`;
    expect(loadConfig({ PIPEBOOK_BOOTSTRAP_API_KEY: long }).bootstrapApiKey).toBe(long);
  });

  it("times the leader lease: 5 s, renewed every second, at most a third of the ttl", () => {
    expect(loadConfig({}).leadership).toEqual({ ttlMs: 5000, renewMs: 1000 });
    expect(loadConfig({ PIPEBOOK_LEADER_TTL_SECONDS: "1.5" }).leadership).toEqual({
      ttlMs: 1500,
      renewMs: 500,
    });
    expect(() => loadConfig({ PIPEBOOK_LEADER_TTL_SECONDS: "0" })).toThrow(
      /PIPEBOOK_LEADER_TTL_SECONDS/,
    );
  });
});
