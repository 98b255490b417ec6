// The one place the server reads its environment. Everything else gets a Config passed down
// (or calls getConfig()), so settings are validated once, with one clear message per problem.
import path from "node:path";
import * as z from "zod";

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const EnvSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(4200),
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\//,
      "must be a postgresql:// URL (leave it unset for the embedded database)",
    )
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PIPEBOOK_HOME: z.string().min(1).default(".pipebook"),
  PIPEBOOK_LOCAL_AGENT: flag.default(true),
  PIPEBOOK_BOOTSTRAP_API_KEY: z
    .string()
    // Stored as a fast hash like every key: safe only for a long random value. Make one with
    // `openssl rand -base64 32`.
    .min(
      32,
      "must be at least 32 characters (it is an admin key, and a short one can be guessed); make one with: openssl rand -base64 32",
    )
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PIPEBOOK_PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: "must be an http:// or https:// URL, e.g. https://pipebook.example.com",
    })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PIPEBOOK_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  PIPEBOOK_LATE_AFTER_SECONDS: z.coerce.number().min(0).default(15),
  PIPEBOOK_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(15),
  PIPEBOOK_HEARTBEAT_SECONDS: z.coerce.number().min(0.1).max(600).default(5),
  PIPEBOOK_REATTACH_GRACE_SECONDS: z.coerce.number().min(0).max(86_400).default(120),
  PIPEBOOK_LEADER_TTL_SECONDS: z.coerce.number().min(1).max(600).default(5),
  PIPEBOOK_DB_POOL_SIZE: z.coerce.number().int().min(2).max(1000).default(10),
  PIPEBOOK_LEADER_RENEW_SECONDS: z.coerce.number().min(0.1).max(200).default(1),
  PIPEBOOK_CHECK_PYTHON: z.string().min(1).default("python3"),
  PIPEBOOK_SECRET_KEY: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === "") return undefined;
      const key = decodeSecretKey(v);
      if (typeof key === "string") {
        ctx.addIssue({ code: "custom", message: key });
        return z.NEVER;
      }
      return key;
    }),
});

export type Database =
  | { kind: "pglite"; dataDir: string }
  /** `poolSize`: connections this process holds at most (PIPEBOOK_DB_POOL_SIZE; default 10). */
  | { kind: "postgres"; url: string; poolSize?: number };

export type Config = {
  host: string;
  port: number;
  /** The data folder (./.pipebook): database, results, the local admin key. */
  home: string;
  database: Database;
  localAgent: boolean;
  bootstrapApiKey?: string;
  logLevel: "debug" | "info" | "warn" | "error";
  /**
   * Where people reach the studio (behind a proxy, say), for links the server sends out — a
   * notification's run link. Unset: the address the server listens at.
   */
  publicUrl?: string;
  /**
   * The Python that checks Python cells' syntax at save, or null to not check (when agents run a
   * newer Python than this host, whose syntax this one would refuse).
   */
  checkPython: string | null;
  /** A Scheduled run this long past its start time is shown as Late. */
  lateAfterMs: number;
  /** Where the committed migrations are (prisma/migrations under the project). */
  migrationsDir: string;
  /** The single-file agent that the server serves and runs as its local agent. */
  agentBundle: string;
  /**
   * The key secrets are encrypted with (AES-256-GCM): PIPEBOOK_SECRET_KEY, or else the file
   * `<home>/secret-key`, made (0600) on first start (server/secrets/secret-key.ts).
   */
  secretKey: { source: "env"; key: Buffer } | { source: "file"; path: string };
  /** Which replica runs the background services (server/leadership/). */
  leadership: {
    /** A leader that stops renewing its lease is replaced this long after its last renewal. */
    ttlMs: number;
    /** How often the leader renews, and the others try to take over (a third of ttl or less). */
    renewMs: number;
  };
  agents: {
    /** A run whose agent has not renewed its lease for this long is shown unreachable. */
    leaseMs: number;
    /**
     * How long after its lease ran out a silent agent may still come back and re-attach to its
     * run (a network cut, not a dead process: see server/agents/heartbeat.ts); then the run is
     * Crashed. A run with flow-level retries left is taken over at once instead. 0: no grace.
     */
    reattachGraceMs: number;
    /** How often agents renew their leases (a third of the lease or less). */
    heartbeatIntervalMs: number;
    /** How long a claim waits for work before answering "nothing" (agents then ask again). */
    claimWaitMs: number;
  };
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const home = path.resolve(cwd, e.PIPEBOOK_HOME);
  return {
    host: e.HOST,
    port: e.PORT,
    home,
    database: e.DATABASE_URL
      ? { kind: "postgres", url: e.DATABASE_URL, poolSize: e.PIPEBOOK_DB_POOL_SIZE }
      : { kind: "pglite", dataDir: path.join(home, "db") },
    localAgent: e.PIPEBOOK_LOCAL_AGENT,
    bootstrapApiKey: e.PIPEBOOK_BOOTSTRAP_API_KEY,
    logLevel: e.PIPEBOOK_LOG_LEVEL,
    publicUrl: e.PIPEBOOK_PUBLIC_URL,
    lateAfterMs: e.PIPEBOOK_LATE_AFTER_SECONDS * 1000,
    checkPython: e.PIPEBOOK_CHECK_PYTHON === "off" ? null : e.PIPEBOOK_CHECK_PYTHON,
    secretKey: e.PIPEBOOK_SECRET_KEY
      ? { source: "env", key: e.PIPEBOOK_SECRET_KEY }
      : { source: "file", path: path.join(home, "secret-key") },
    migrationsDir: path.resolve(cwd, "prisma/migrations"),
    agentBundle: path.resolve(cwd, "dist/pipebook-agent.mjs"),
    leadership: {
      ttlMs: e.PIPEBOOK_LEADER_TTL_SECONDS * 1000,
      renewMs: Math.min(e.PIPEBOOK_LEADER_RENEW_SECONDS, e.PIPEBOOK_LEADER_TTL_SECONDS / 3) * 1000,
    },
    agents: {
      leaseMs: e.PIPEBOOK_LEASE_SECONDS * 1000,
      reattachGraceMs: e.PIPEBOOK_REATTACH_GRACE_SECONDS * 1000,
      // Whole milliseconds: the agent protocol carries an integer (a 5 s lease's third is not).
      heartbeatIntervalMs: Math.floor(
        Math.min(e.PIPEBOOK_HEARTBEAT_SECONDS, e.PIPEBOOK_LEASE_SECONDS / 3) * 1000,
      ),
      claimWaitMs: 25_000,
    },
  };
}

const SECRET_KEY_BYTES = 32;

/**
 * A secret key as written in PIPEBOOK_SECRET_KEY or the key file: 32 bytes as 64 hex digits or
 * as base64 (url-safe or not, padded or not). Returns the key, or what is wrong with the text —
 * never the text itself, which must not reach a log.
 */
export function decodeSecretKey(text: string): Buffer | string {
  const t = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]+$/.test(t) && t.length === SECRET_KEY_BYTES * 2) key = Buffer.from(t, "hex");
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) key = Buffer.from(t, "base64");
  const how = `must be ${SECRET_KEY_BYTES} random bytes written as 64 hex digits or 44 base64 characters; make one with: openssl rand -base64 ${SECRET_KEY_BYTES}`;
  if (!key) return `${how} (it holds characters that are neither)`;
  if (key.length !== SECRET_KEY_BYTES) return `${how} (it decodes to ${key.length} bytes)`;
  return key;
}

/**
 * The environment of the local agent: the server's own, without the server's secrets. Its key
 * reaches it on a pipe (server/services/local-agent.ts), not here: an environment can be read in
 * /proc by processes of the same user. (Its tasks get an allow-list of it: agent/isolation/.)
 */
export function localAgentEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...env };
  delete copy.PIPEBOOK_API_KEY;
  delete copy.PIPEBOOK_HOME;
  delete copy.DATABASE_URL;
  delete copy.PIPEBOOK_BOOTSTRAP_API_KEY;
  delete copy.PIPEBOOK_SECRET_KEY;
  return copy;
}

const CONFIG = Symbol.for("pipebook.config");
type Holder = { [CONFIG]?: Config };

/** The process's configuration, read once (shared by every bundle Next.js makes of this file). */
export function getConfig(): Config {
  const holder = globalThis as Holder;
  holder[CONFIG] ??= loadConfig();
  return holder[CONFIG];
}
