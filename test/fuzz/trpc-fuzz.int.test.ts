// Fuzz test of the studio's tRPC procedures through their HTTP endpoint (server/trpc/serve.ts, the
// fetch adapter Next.js hands /api/trpc to): random and malformed inputs shaped by each
// procedure's own input schema, batches, broken encodings and callers of every role. As for
// /api/v1: no 5xx, refusals that say what was wrong, no stall of the event loop over 200 ms, and
// a refused mutation leaves the database as it was. PIPEBOOK_FUZZ_SEED replays a failure.
import { beforeAll, expect, it } from "vitest";
import type * as z from "zod";
import { serveTrpc, TRPC_ENDPOINT } from "../../server/trpc/serve.ts";
import { appRouter } from "../../server/trpc/root.ts";
import { freshDatabase, serveFrom } from "../support/database.ts";
import {
  databaseWatch,
  faultOf,
  fuzzSeed,
  loopWatch,
  requestCount,
  seedTargets,
  STALL_MS,
  WARM_UP_REQUESTS,
  WRITTEN_BY_ANY_REQUEST,
  type Seeded,
} from "./fuzz-harness.ts";
import {
  inputFor,
  jsonSchemaOf,
  NASTY_STRINGS,
  randomJson,
  seededRng,
  type Rng,
} from "./random-values.ts";

const test = freshDatabase();
serveFrom(test);

type Procedure = { _def: { type: "query" | "mutation" | "subscription"; inputs: z.ZodType[] } };
const PROCEDURES = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures,
).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  schema: procedure._def.inputs[0] ? jsonSchemaOf(procedure._def.inputs[0]) : undefined,
}));
/** A live view answers with a stream that stays open: its first bytes are enough. */
const SUBSCRIPTION_READ_MS = 500;

let seeded: Seeded;
/** Requests made; at ~10 ms each on this machine (PGlite), 40 ms each is a generous bound. */
const COUNT = requestCount(1_500);

beforeAll(async () => {
  seeded = await seedTargets(test.db);
});

function inputText(procedure: (typeof PROCEDURES)[number], rng: Rng): string {
  const roll = rng.next();
  if (roll < 0.05) return '{"broken": ';
  if (roll < 0.1) return JSON.stringify(randomJson(rng));
  const input = procedure.schema ? inputFor(procedure.schema, rng, seeded.known) : randomJson(rng);
  return JSON.stringify(input) ?? "null";
}

function plan(rng: Rng): { path: string; request: Request; writes: boolean; live: boolean } {
  const procedure = rng.pick(PROCEDURES);
  const { keys } = seeded;
  const headers: Record<string, string> = {
    "x-pipebook-client-address": `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`,
  };
  const auth = rng.chance(0.85)
    ? keys[rng.pick(["admin", "admin", "editor", "operator", "viewer"] as const)]
    : rng.pick([undefined, "pb_" + "x".repeat(40), keys.agent]);
  if (auth) headers.authorization = `Bearer ${auth}`;
  const input = inputText(procedure, rng);
  // A query (or live view) by GET with its input in the URL; a mutation by POST, now and then
  // as a batch of two, or with the wrong method.
  const batch = rng.chance(0.1);
  const path = batch ? `${procedure.path},${rng.pick(PROCEDURES).path}` : procedure.path;
  const wrongMethod = rng.chance(0.05);
  const get = (procedure.type !== "mutation") !== wrongMethod;
  const query = batch
    ? `batch=1&input=${encodeURIComponent(`{"0":${input},"1":${input}}`)}`
    : `input=${encodeURIComponent(input)}`;
  const url = `http://127.0.0.1${TRPC_ENDPOINT}/${path}${get ? `?${rng.chance(0.05) ? rng.pick(NASTY_STRINGS).replace(/[^\x20-\x7e]/g, "") : query}` : batch ? "?batch=1" : ""}`;
  const request = new Request(url, {
    method: get ? "GET" : "POST",
    headers: get ? headers : { ...headers, "content-type": "application/json" },
    body: get ? undefined : batch ? `{"0":${input},"1":${input}}` : input,
    signal: AbortSignal.timeout(10_000),
  });
  return {
    path: `${get ? "GET" : "POST"} ${path} ${input.slice(0, 200)}`,
    request,
    writes: !get,
    live: procedure.type === "subscription",
  };
}

/** The answer's text; of a live view, what came within SUBSCRIPTION_READ_MS. */
async function readAnswer(response: Response, live: boolean): Promise<string> {
  if (!live || !response.headers.get("content-type")?.includes("text/event-stream")) {
    return response.text();
  }
  const reader = response.body!.getReader();
  const first = await Promise.race([
    reader.read(),
    new Promise<undefined>((resolve) => setTimeout(resolve, SUBSCRIPTION_READ_MS)),
  ]);
  await reader.cancel();
  return first?.value ? Buffer.from(first.value).toString() : "";
}

it(
  "answers thousands of random and malformed procedure calls without a 5xx, a stall or a change when refused",
  async () => {
    const seed = fuzzSeed();
    const rng = seededRng(seed);
    const count = COUNT;
    const loop = loopWatch();
    const database = databaseWatch(test.db, WRITTEN_BY_ANY_REQUEST);
    const faults: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < count && faults.length < 10; i++) {
      const { path, request, writes, live } = plan(rng);
      const where = `#${i} ${path}`;
      if (writes) await database.before();
      loop.reset();
      let status = 0;
      try {
        const response = await serveTrpc(request);
        status = response.status;
        const text = await readAnswer(response, live);
        const fault = faultOf(status, response.headers.get("content-type"), text);
        if (fault) faults.push(`${where}: ${fault}`);
      } catch (error) {
        faults.push(`${where}: threw ${String(error)}`);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const stalled = loop.longestMs();
      if (i >= WARM_UP_REQUESTS && stalled > STALL_MS)
        faults.push(`${where}: the event loop stalled ${stalled.toFixed(0)} ms`);
      if (writes && status >= 400) {
        const changed = await database.afterRefused();
        if (changed.length)
          faults.push(`${where}: refused with ${status} but changed ${changed.join(", ")}`);
      } else database.accepted();
    }
    loop.stop();
    const summary = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    console.log(
      `tRPC fuzz: seed ${seed}, ${count} calls of ${PROCEDURES.length} procedures, answers ${summary}`,
    );
    expect(faults, `seed ${seed} (PIPEBOOK_FUZZ_SEED=${seed} replays it)`).toEqual([]);
    const deep = [...statuses]
      .filter(([s]) => s < 400 || s === 404 || s === 409)
      .reduce((n, [, c]) => n + c, 0);
    expect(deep / count).toBeGreaterThan(0.2);
  },
  60_000 + COUNT * 40,
);
