// The audit log covers every change: each state-changing /api/v1 route and each tRPC mutation,
// enumerated from the route table and the router as server/auth/access.int.test.ts does, is
// called once and must write exactly one event naming the right actor and action. A new route
// or mutation without a case here (or a written reason to skip it) fails the first test.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, serveFrom } from "../../test/support/database.ts";
import { REST_CASES, REST_EXEMPT, TRPC_CASES, type Made } from "../../test/support/audit-cases.ts";
import { principalOf } from "../../test/support/seed.ts";
import { dispatch, TABLE } from "../api/routes.ts";
import { createApiKey } from "../auth/api-keys.ts";
import { authenticateApiKey, type Principal } from "../auth/principal.ts";
import { generateApiKey, hashSecret, keyPrefix } from "../auth/secrets.ts";
import { loadConfig } from "../config.ts";
import { appRouter } from "../trpc/root.ts";

const test = freshDatabase();
serveFrom(test);

type Procedures = Record<string, { _def: { type: string } }>;
const PROCEDURES = (appRouter as unknown as { _def: { procedures: Procedures } })._def.procedures;

let admin: { id: string; name: string };
let key: string;
let keyId: string;
let principal: Principal;

beforeAll(async () => {
  admin = await test.db.user.create({
    data: { name: `auditor-${crypto.randomBytes(3).toString("hex")}`, role: "admin" },
  });
  key = generateApiKey();
  ({ id: keyId } = await test.db.apiKey.create({
    data: {
      name: "audit test key",
      prefix: keyPrefix(key),
      hash: hashSecret(key),
      userId: admin.id,
    },
  }));
  principal = (await authenticateApiKey(test.db, key))!;
});

/** The events written since `after`, oldest first. */
async function eventsAfter(after: bigint) {
  return test.db.auditEvent.findMany({ where: { id: { gt: after } }, orderBy: { id: "asc" } });
}

async function lastEventId(): Promise<bigint> {
  const last = await test.db.auditEvent.findFirst({
    orderBy: { id: "desc" },
    select: { id: true },
  });
  return last?.id ?? 0n;
}

async function prepare(setup: ((db: typeof test.db) => Promise<Made>) | undefined): Promise<Made> {
  const made = setup ? await setup(test.db) : {};
  // "Revoke" cases revoke a key of the caller's own, made here.
  if ("key" in made) {
    made.key = (
      await createApiKey(test.db, principal, { name: "to revoke", kind: "user", queues: [] })
    ).apiKey.id;
  }
  return made;
}

describe("the audit log", () => {
  it("has a case or a written exemption for every state-changing route and mutation", () => {
    const routes = TABLE.filter(([method]) => method !== "GET").map(([m, p]) => `${m} ${p}`);
    expect([...Object.keys(REST_CASES), ...Object.keys(REST_EXEMPT)].sort()).toEqual(routes.sort());
    const mutations = Object.entries(PROCEDURES)
      .filter(([, p]) => p._def.type === "mutation")
      .map(([path]) => path);
    expect(Object.keys(TRPC_CASES).sort()).toEqual(mutations.sort());
  });

  it("records each /api/v1 change once, with the key's user, the key and the action", async () => {
    const failures: string[] = [];
    for (const [route, c] of Object.entries(REST_CASES)) {
      const made = await prepare(c.setup);
      const before = await lastEventId();
      const method = route.split(" ")[0]!;
      const body = c.body?.(made);
      const response = await dispatch(
        new Request(`http://127.0.0.1${c.path(made)}`, {
          method,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
      if (!response.ok) {
        failures.push(`${route}: ${response.status} ${await response.text()}`);
        continue;
      }
      const events = await eventsAfter(before);
      const seen = events.map((e) => `${e.action} by ${e.actorName} via ${e.via} key ${e.keyName}`);
      const want = `${c.action} by ${admin.name} via key key audit test key`;
      if (seen.length !== 1 || seen[0] !== want || events[0]!.actorId !== admin.id) {
        failures.push(`${route}: wanted [${want}], got [${seen.join("; ")}]`);
      }
      if (events[0]?.keyId !== keyId && events.length === 1) failures.push(`${route}: key id`);
    }
    expect(failures).toEqual([]);
  });

  it("records each tRPC change once, with the signed-in user and the action", async () => {
    const failures: string[] = [];
    const session = principalOf("admin", admin);
    const caller = appRouter.createCaller({
      db: test.db,
      config: loadConfig({}),
      principal: session,
    });
    for (const [path, c] of Object.entries(TRPC_CASES)) {
      const made = await prepare(c.setup);
      const before = await lastEventId();
      const procedure = path
        .split(".")
        .reduce<unknown>((at, part) => (at as Record<string, unknown>)[part], caller) as (
        input: unknown,
      ) => Promise<unknown>;
      try {
        await procedure(c.input(made));
      } catch (error) {
        failures.push(`${path}: ${String(error)}`);
        continue;
      }
      const seen = (await eventsAfter(before)).map(
        (e) => `${e.action} by ${e.actorId === admin.id ? admin.name : e.actorId} via ${e.via}`,
      );
      const want = `${c.action} by ${admin.name} via session`;
      if (seen.length !== 1 || seen[0] !== want) {
        failures.push(`${path}: wanted [${want}], got [${seen.join("; ")}]`);
      }
    }
    expect(failures).toEqual([]);
  });
});
