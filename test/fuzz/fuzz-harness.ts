// What the fuzz tests share: the seeded database they attack (users of each role with keys, an
// agent key, a flow, a deployment, a waiting run and a run held by an agent), the values that
// exist in it, the checks made of every answer, and the watch on the event loop.
import crypto from "node:crypto";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { generateApiKey, hashSecret, keyPrefix } from "../../server/auth/secrets.ts";
import { ROLES, type Role } from "../../server/auth/permissions.ts";
import type { Db } from "../../server/db/client.ts";
import { createFlowRun } from "../../server/runs/create-flow-run.ts";
import { seedDeployment } from "../support/seed.ts";
import { testAgent } from "../support/simulated-agent.ts";
import { changedTables, fingerprint, tablesOf, type Fingerprint } from "./database-fingerprint.ts";
import type { KnownValues } from "./random-values.ts";
import { testSettings } from "../support/test-settings.ts";

/** A stall of the event loop longer than this fails the test (the bound). */
export const STALL_MS = 200;
/**
 * The bound holds from this request on: the first requests of a test load modules and fill
 * PGlite's caches once (in CI the very first request of one run blocked the loop for 264 ms on
 * a busy 2-core machine) — a start-up cost, not a stall of a running server. Their answers are
 * still checked.
 */
export const WARM_UP_REQUESTS = 20;

/** How many requests each fuzz test makes; PIPEBOOK_FUZZ_REQUESTS makes a longer run. */
export function requestCount(normal: number): number {
  const asked = testSettings.fuzzRequests;
  return asked !== undefined && asked > 0 ? asked : normal;
}

/** The seed of this run: printed, and taken from PIPEBOOK_FUZZ_SEED to replay a failure. */
export function fuzzSeed(): number {
  return testSettings.fuzzSeed ?? crypto.randomInt(2 ** 31);
}

export type Keys = Record<Role | "agent", string>;

export type Seeded = { keys: Keys; known: KnownValues };

export async function seedTargets(db: Db): Promise<Seeded> {
  const keys = {} as Keys;
  // The fuzz's own users and keys are kept out of the known ids: a random request that revokes
  // or demotes one would turn the rest of the run into 401s. Spare ones stand in as targets.
  const own = new Set<string>();
  for (const role of ROLES) {
    for (const spare of [false, true]) {
      const user = await db.user.create({
        data: { name: `fuzz-${role}-${crypto.randomBytes(3).toString("hex")}`, role },
      });
      const key = await makeKey(db, user.id, "user");
      const agentKey = role === "admin" ? await makeKey(db, user.id, "agent") : undefined;
      if (spare) continue;
      keys[role] = key.key;
      own.add(user.id).add(key.id);
      if (agentKey) {
        keys.agent = agentKey.key;
        own.add(agentKey.id);
      }
    }
  }
  const { flow, deploymentId } = await seedDeployment(db);
  await createFlowRun(db, { deploymentId, parameters: {}, leaseMs: 15_000 });
  const agent = await testAgent(db, "default");
  await createFlowRun(db, { deploymentId, parameters: {}, leaseMs: 15_000 });
  await agent.claim();
  await createFlowRun(db, { deploymentId, parameters: {}, leaseMs: 15_000 });
  const known = await knownValues(db, [flow.name, "default", "extract", "report"]);
  known.uuids = known.uuids.filter((id) => !own.has(id));
  return { keys, known };
}

async function makeKey(db: Db, userId: string, kind: "user" | "agent") {
  const key = generateApiKey();
  const { id } = await db.apiKey.create({
    data: {
      name: `fuzz-${kind}-${crypto.randomBytes(3).toString("hex")}`,
      kind,
      ...(kind === "agent" ? { queues: ["default"] } : {}),
      prefix: keyPrefix(key),
      hash: hashSecret(key),
      userId,
    },
    select: { id: true },
  });
  return { id, key };
}

/** Up to twelve ids of every table that has an `id` column, and the names given. */
async function knownValues(db: Db, names: string[]): Promise<KnownValues> {
  const uuids: string[] = [];
  for (const table of await tablesOf(db)) {
    const rows = await db
      .$queryRawUnsafe<{ id: string }[]>(`SELECT id::text AS id FROM "${table}" LIMIT 12`)
      .catch(() => []);
    uuids.push(...rows.map((row) => row.id).filter((id) => /^[0-9a-f-]{36}$/.test(id)));
  }
  return { uuids, names };
}

/** What every answer must be: not a server failure, and a refusal that says what was wrong. */
export function faultOf(status: number, contentType: string | null, body: string): string | null {
  if (status >= 500) return `answered ${status}: ${body.slice(0, 300)}`;
  if (status >= 400 && contentType?.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return `answered ${status} with a body that is not JSON: ${body.slice(0, 200)}`;
    }
    // A tRPC batch answers a list: each refusal in it must say what was wrong.
    for (const answer of Array.isArray(parsed) ? parsed : [parsed]) {
      const { error } = (answer ?? {}) as { error?: { message?: unknown } };
      if (Array.isArray(parsed) && !error) continue;
      if (typeof error?.message !== "string" || !error.message.trim()) {
        return `answered ${status} without an error message: ${body.slice(0, 200)}`;
      }
    }
  }
  return null;
}

/** The longest stall of the event loop since the last `reset`, in ms. */
export function loopWatch(): { longestMs(): number; reset(): void; stop(): void } {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    longestMs: () => histogram.max / 1e6,
    reset: () => histogram.reset(),
    stop: () => histogram.disable(),
  };
}

/**
 * Whether refused requests left the database as it was: a digest is taken before a request that
 * may write (again only when one since was accepted) and after it when it was refused.
 */
export function databaseWatch(db: Db, ignored: Record<string, string[]>) {
  let tables: string[] | undefined;
  let baseline: Fingerprint | undefined;
  const take = async () => fingerprint(db, (tables ??= await tablesOf(db)), ignored);
  return {
    async before(): Promise<void> {
      baseline ??= await take();
    },
    /** The tables a refused request changed (none, when all is well). */
    async afterRefused(): Promise<string[]> {
      const now = await take();
      const changed = baseline ? changedTables(baseline, now) : [];
      baseline = now;
      return changed;
    },
    accepted(): void {
      baseline = undefined;
    },
  };
}

/** Columns that a request may write whatever its answer: a key's last use. */
export const WRITTEN_BY_ANY_REQUEST: Record<string, string[]> = { ApiKey: ["lastUsedAt"] };
