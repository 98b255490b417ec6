// Fuzz test of /api/v1 and the agent protocol, through the production transport (a Node HTTP
// server on loopback handing requests to server/api/node-adapter.ts): thousands of requests with
// random and malformed paths, ids, queries, cursors, headers and bodies — shaped by each route's
// own schemas so most get past the first check. Every answer must be below 500 and, when a
// refusal, say what was wrong; the event loop must never stall over 200 ms; a refused request
// must leave the database as it was. A failure prints the seed that replays it
// (PIPEBOOK_FUZZ_SEED=<seed>; PIPEBOOK_FUZZ_REQUESTS=<n> for a longer run).
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { serveApiRequest } from "../../server/api/node-adapter.ts";
import { MAX_BODY_BYTES } from "../../server/api/handler.ts";
import { TABLE, type RouteEntry } from "../../server/api/routes.ts";
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

/** Routes that hold a request open until something happens (or their wait ends). */
const LONG_POLLS = new Set([
  "POST /api/v1/agents/:id/claim",
  "POST /api/v1/agents/:id/heartbeat",
  "GET /api/v1/flow-runs/:id/wait",
]);
const LONG_POLL_ABORT_MS = 1_000;
/** Any other request answering later than this counts as a stall of the server. */
const ANSWER_MS = 10_000;

let server: http.Server;
let base: string;
let seeded: Seeded;
/** Requests made; at ~10 ms each on this machine (PGlite), 40 ms each is a generous bound. */
const COUNT = requestCount(2_000);
const escaped: string[] = [];

beforeAll(async () => {
  seeded = await seedTargets(test.db);
  server = http.createServer((req, res) => {
    // As the launcher does: the socket's peer, after dropping any copy a client sent. Each
    // request comes from its own address here, so the per-address limits of unknown keys do
    // not turn the rest of the run into 429s.
    // A failure the adapter lets out is what the launcher would log as "request failed".
    serveApiRequest(req, res).catch((error: unknown) => escaped.push(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // An agent registered with the agent key, so the protocol's routes reach their own checks.
  const registered = await fetch(`${base}/api/v1/agents`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${seeded.keys.agent}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({ name: "fuzz", queues: ["default"], concurrency: 2 }),
  });
  expect(registered.status, await registered.clone().text()).toBe(201);
  seeded.known.uuids.push(((await registered.json()) as { id: string }).id);
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

type Planned = {
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
};

function pathOf(pattern: string, rng: Rng): string {
  return pattern
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment;
      const roll = rng.next();
      const value =
        roll < 0.55
          ? rng.pick(seeded.known.uuids)
          : roll < 0.7
            ? rng.pick(seeded.known.names)
            : rng.pick(NASTY_STRINGS);
      // Now and then sent as it is, not encoded: the path parser must cope.
      return rng.chance(0.1) ? value.replaceAll("/", "%2F").replaceAll("?", "") : encoded(value);
    })
    .join("/");
}

/** A lone surrogate has no UTF-8 form: it goes as the bytes a careless client would send. */
function encoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80";
  }
}

function queryOf([, , endpoint]: RouteEntry, rng: Rng): string {
  const params = new URLSearchParams();
  if (endpoint.spec.query) {
    const value = inputFor(jsonSchemaOf(endpoint.spec.query), rng, seeded.known);
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [key, v] of Object.entries(value)) {
        params.append(key, typeof v === "string" ? v : JSON.stringify(v));
      }
    }
  }
  if (rng.chance(0.15))
    params.append(rng.pick(["cursor", "limit", "x", "state"]), rng.pick(NASTY_STRINGS));
  const text = params.toString();
  return text ? `?${text}` : "";
}

function bodyOf([method, , endpoint]: RouteEntry, rng: Rng): string | undefined {
  if (method === "GET" || method === "HEAD") return undefined;
  const roll = rng.next();
  if (roll < 0.05) return '{"unterminated": ';
  if (roll < 0.08)
    return Buffer.from(Array.from({ length: 64 }, () => rng.int(256))).toString("latin1");
  if (roll < 0.12) return JSON.stringify(randomJson(rng));
  const schema = endpoint.spec.body ?? Object.values(endpoint.spec.docs.requestBody ?? {})[0];
  return JSON.stringify(
    schema ? inputFor(jsonSchemaOf(schema), rng, seeded.known) : randomJson(rng),
  );
}

function authOf([, , endpoint]: RouteEntry, rng: Rng): string | undefined {
  const { keys } = seeded;
  const roll = rng.next();
  if (roll < 0.75) {
    const access = endpoint.spec.access;
    if (access === "agent") return `Bearer ${keys.agent}`;
    if (access === "public" || access === "run") return undefined;
    return `Bearer ${rng.chance(0.8) ? keys.admin : rng.pick([keys.viewer, keys.operator, keys.editor])}`;
  }
  return rng.pick([
    undefined,
    "Bearer ",
    "Bearer pb_" + "x".repeat(40),
    "Basic YWRtaW46YWRtaW4=",
    `Bearer ${keys.agent}`,
    `Bearer ${keys.viewer}`,
    "Bearer " + "é".repeat(20),
    `bearer ${keys.admin}`,
  ]);
}

function plan(rng: Rng): Planned {
  const entry = rng.pick(TABLE);
  const [declared, pattern] = entry;
  const method = rng.chance(0.05) ? rng.pick(["GET", "POST", "PUT", "PATCH", "DELETE"]) : declared;
  const headers: Record<string, string> = {
    "x-pipebook-client-address": `10.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`,
  };
  const auth = authOf(entry, rng);
  if (auth !== undefined) headers.authorization = auth;
  const body = method === "GET" ? undefined : bodyOf(entry, rng);
  if (body !== undefined) {
    headers["content-type"] = rng.chance(0.9)
      ? "application/json"
      : rng.pick([
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/json; charset=latin1",
          "",
        ]);
  }
  if (rng.chance(0.05)) headers.cookie = `pipebook_session=${encoded(rng.pick(NASTY_STRINGS))}`;
  return {
    route: `${declared} ${pattern}`,
    method,
    path: pathOf(pattern, rng) + queryOf(entry, rng),
    headers,
    body,
  };
}

it(
  "answers thousands of random and malformed requests without a 5xx, a stall or a change when refused",
  async () => {
    const seed = fuzzSeed();
    const rng = seededRng(seed);
    const count = COUNT;
    const loop = loopWatch();
    const database = databaseWatch(test.db, WRITTEN_BY_ANY_REQUEST);
    const faults: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < count && faults.length < 10; i++) {
      const request = plan(rng);
      const writes = request.method !== "GET";
      if (writes) await database.before();
      loop.reset();
      const longPoll =
        LONG_POLLS.has(request.route) && request.method === request.route.split(" ")[0];
      const signal = AbortSignal.timeout(longPoll ? LONG_POLL_ABORT_MS : ANSWER_MS);
      const where = `#${i} ${request.method} ${request.path.slice(0, 200)} (${request.route})`;
      let status = 0;
      try {
        const response = await fetch(base + request.path, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal,
        });
        const text = await response.text();
        status = response.status;
        const fault = faultOf(status, response.headers.get("content-type"), text);
        if (fault) faults.push(`${where}: ${fault}\n  body sent: ${request.body?.slice(0, 300)}`);
      } catch (error) {
        if (!(longPoll && signal.aborted)) faults.push(`${where}: no answer (${String(error)})`);
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
    console.log(`api fuzz: seed ${seed}, ${count} requests, answers ${summary}`);
    expect(faults, `seed ${seed} (PIPEBOOK_FUZZ_SEED=${seed} replays it)`).toEqual([]);
    expect(escaped).toEqual([]);
    // Most requests must get past authentication and parsing, or the fuzzing reaches nothing.
    const deep = [...statuses]
      .filter(([s]) => s < 400 || s === 404 || s === 409)
      .reduce((n, [, c]) => n + c, 0);
    expect(deep / count).toBeGreaterThan(0.2);
  },
  60_000 + COUNT * 40,
);

it("refuses a body past the limit, a lying length, and broken HTTP without failing", async () => {
  const tooBig = await fetch(`${base}/api/v1/flows`, {
    method: "POST",
    headers: { authorization: `Bearer ${seeded.keys.admin}`, "content-type": "application/json" },
    body: `{"name":"${"x".repeat(MAX_BODY_BYTES)}"}`,
  });
  expect(tooBig.status).toBe(413);
  for (const raw of [
    "GARBAGE\r\n\r\n",
    "GET /api/v1/flows HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n",
    `POST /api/v1/flows HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nAuthorization: Bearer ${seeded.keys.admin}\r\n\r\n{"name":`,
    `POST /api/v1/flows HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n`,
    `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET /api/v1/flows HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`,
  ]) {
    await rawExchange(raw);
  }
  const health = await fetch(`${base}/api/health`);
  expect(health.status).toBe(200);
  expect(escaped).toEqual([]);
});

/** Writes raw bytes to the server and waits for its answer or its close (or gives up at 2 s). */
function rawExchange(raw: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(raw));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    const done = () => resolve(answer);
    socket.on("close", done);
    socket.on("error", done);
    socket.setTimeout(2_000, () => socket.destroy());
  });
}

it("sees a change made between two looks at the database (the check above can fail)", async () => {
  const database = databaseWatch(test.db, WRITTEN_BY_ANY_REQUEST);
  await database.before();
  await test.db.workQueue.create({ data: { name: `watch-${Date.now()}` } });
  expect(await database.afterRefused()).toEqual(["WorkQueue"]);
  // A key's last use alone is not a change.
  await database.before();
  await test.db.apiKey.updateMany({ data: { lastUsedAt: new Date() } });
  expect(await database.afterRefused()).toEqual([]);
});
