// Reading the audit log: only admins, newest first, filtered and paged; and what the log holds
// of changes that are refused (nothing), of updates (their own actions) and of secrets (never
// their values).
import crypto from "node:crypto";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { ListAuditEventsResponseSchema } from "../../contract/api-v1.ts";
import { clearForms, databaseText } from "../../test/support/database-text.ts";
import { freshDatabase, serveFrom } from "../../test/support/database.ts";
import {
  actorOf,
  principalOf,
  redeploy,
  seedDeployment,
  seedFlow,
  seedRunIn,
  threeTasks,
  uniqueName,
} from "../../test/support/seed.ts";
import { dispatch } from "../api/routes.ts";
import { generateApiKey, hashSecret, keyPrefix } from "../auth/secrets.ts";
import { loadConfig } from "../config.ts";
import { cancelFlowRun } from "../runs/cancel-flow-run.ts";
import { getSecretKey } from "../secrets/secret-key.ts";
import { setSecret } from "../secrets/set-secret.ts";
import { appRouter } from "../trpc/root.ts";
import type { Role } from "../auth/permissions.ts";

const test = freshDatabase();
serveFrom(test);
const keys = new Map<Role, string>();
let alice: { id: string; name: string };

beforeAll(async () => {
  for (const role of ["editor", "admin"] as const) {
    const user = await test.db.user.create({ data: { name: uniqueName(role), role } });
    const key = generateApiKey();
    await test.db.apiKey.create({
      data: { name: role, prefix: keyPrefix(key), hash: hashSecret(key), userId: user.id },
    });
    keys.set(role, key);
  }
  alice = await test.db.user.create({ data: { name: uniqueName("alice"), role: "editor" } });
});

async function get(query: string, role: Role = "admin") {
  const response = await dispatch(
    new Request(`http://127.0.0.1/api/v1/audit-events${query}`, {
      headers: { authorization: `Bearer ${keys.get(role)}` },
    }),
  );
  return { status: response.status, body: (await response.json()) as unknown };
}

describe("GET /api/v1/audit-events and audit.list", () => {
  it("are for admins only", async () => {
    expect((await get("", "editor")).status).toBe(403);
    const editor = appRouter.createCaller({
      db: test.db,
      config: loadConfig({}),
      principal: principalOf("editor", alice),
    });
    const refused = await editor.audit.list({}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe("FORBIDDEN");
  });

  it("list newest first, filtered by action, kind of action, actor and target, a page at a time", async () => {
    const flow = await seedFlow(test.db, threeTasks());
    const changed = threeTasks(flow.name);
    changed.tasks![0]!.code = "export default function main() { return 2 }";
    await seedFlow(test.db, changed);
    const { deploymentId } = await seedDeployment(test.db, threeTasks());
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await seedRunIn(test.db, deploymentId, "Scheduled"));
    for (const id of runs) await cancelFlowRun(test.db, id, actorOf(alice));

    const cancels = await get(`?action=run.cancel&actor=${alice.name}&limit=2`);
    expect(cancels.status).toBe(200);
    const first = ListAuditEventsResponseSchema.parse(cancels.body);
    expect(first.events.map((e) => e.target.id)).toEqual([runs[2], runs[1]]);
    expect(first.events[0]).toMatchObject({
      action: "run.cancel",
      actor: { userId: alice.id, name: alice.name, via: "key", key: null },
      target: { type: "flowRun" },
      details: { from: "Scheduled" },
    });
    const second = ListAuditEventsResponseSchema.parse(
      (await get(`?action=run.cancel&actor=${alice.id}&limit=2&cursor=${first.next}`)).body,
    );
    expect(second.events.map((e) => e.target.id)).toEqual([runs[0]]);
    expect(second.next).toBeNull();

    const ofFlow = ListAuditEventsResponseSchema.parse(
      (await get(`?action=flow&target=${flow.name}`)).body,
    );
    expect(ofFlow.events.map((e) => [e.action, e.actor.name, e.details.version])).toEqual([
      ["flow.update", "system", 2],
      ["flow.create", "system", 1],
    ]);
    const later = ListAuditEventsResponseSchema.parse(
      (await get(`?since=${new Date(Date.now() + 60_000).toISOString()}`)).body,
    );
    expect(later.events).toEqual([]);
  });

  it("refuse unknown actions and cursors, saying what is wanted", async () => {
    const bad = await get("?action=run.explode");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("run.cancel");
    expect((await get("?cursor=garbage")).status).toBe(400);
  });
});

describe("what the log holds", () => {
  it("nothing of a refused change, and updates as their own actions", async () => {
    const { deploymentId, flow } = await seedDeployment(test.db, threeTasks(), uniqueName("q"));
    const done = await seedRunIn(test.db, deploymentId, "Completed");
    const before = await test.db.auditEvent.count();
    await expect(cancelFlowRun(test.db, done, actorOf(alice))).rejects.toMatchObject({
      code: "invalid_state",
    });
    expect(await test.db.auditEvent.count()).toBe(before);

    await redeploy(test.db, flow.name, { tags: ["gpu"] });
    const last = await test.db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(last).toMatchObject({ action: "deployment.update", targetId: deploymentId });
  });

  it("a secret's name, never its value", async () => {
    const value = `audit-${crypto.randomBytes(12).toString("hex")}`;
    const name = `S_${crypto.randomBytes(4).toString("hex").toUpperCase()}`;
    await setSecret(test.db, getSecretKey(), { name, value, actor: actorOf(alice) });
    const events = await test.db.auditEvent.findMany({ where: { targetName: name } });
    expect(events.map((e) => e.action)).toEqual(["secret.set"]);
    const text = await databaseText(test.db);
    for (const form of clearForms(value)) expect(text).not.toContain(form);
  });
});
