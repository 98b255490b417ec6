// API keys as people and agents use them: bounded by their maker's role, refused at once when
// revoked or expired (with the sessions made with them), and agent keys held to their queues and
// to the agents they registered. Requests go through the real HTTP dispatch.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { freshDatabase, serveFrom } from "../../test/support/database.ts";
import { seedDeployment, threeTasks, uniqueName } from "../../test/support/seed.ts";
import { dispatch } from "../api/routes.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { reapExpiredLeases, retryFlowRun } from "../runs/state-machine/index.ts";
import { createApiKey, revokeApiKey } from "./api-keys.ts";
import type { Role } from "./permissions.ts";
import { authenticateApiKey, authenticateSession, type Principal } from "./principal.ts";
import { generateApiKey, hashSecret, keyPrefix } from "./secrets.ts";
import { signInWithApiKey } from "./sessions.ts";
import { CreateApiKeyRequestSchema } from "../../contract/api-v1.ts";

const test = freshDatabase();
serveFrom(test);

async function userWithKey(role: Role): Promise<{ key: string; principal: Principal }> {
  const user = await test.db.user.create({ data: { name: uniqueName(role), role } });
  const key = generateApiKey();
  await test.db.apiKey.create({
    data: { name: "k", prefix: keyPrefix(key), hash: hashSecret(key), userId: user.id },
  });
  return { key, principal: (await authenticateApiKey(test.db, key))! };
}

const create = (principal: Principal, request: Record<string, unknown>) =>
  createApiKey(test.db, principal, CreateApiKeyRequestSchema.parse(request));

function post(path: string, key: string, body: unknown = {}): Promise<Response> {
  return dispatch(
    new Request(`http://127.0.0.1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

describe("API keys", () => {
  it("a key acts with its maker's role or a lower one, never higher; only admins make agent keys", async () => {
    const { principal: operator } = await userWithKey("operator");
    await expect(create(operator, { name: "x", role: "editor" })).rejects.toThrow(
      /may not have more than your own role/,
    );
    const readOnly = await create(operator, { name: "dashboard", role: "viewer" });
    expect(await authenticateApiKey(test.db, readOnly.key)).toMatchObject({ role: "viewer" });
    // A key made with that key keeps its limit.
    const child = await create((await authenticateApiKey(test.db, readOnly.key))!, { name: "c" });
    expect(await authenticateApiKey(test.db, child.key)).toMatchObject({ role: "viewer" });
    await expect(
      create(operator, { name: "a", kind: "agent", queues: ["default"] }),
    ).rejects.toThrow(/needs the admin role/);
    expect(readOnly.apiKey).toMatchObject({ state: "active", kind: "user", role: "viewer" });
    expect(await test.db.apiKey.count({ where: { hash: readOnly.key } })).toBe(0);
  });

  it("a revoked key is refused at once, and so is every session signed in with it", async () => {
    const { principal: viewer } = await userWithKey("viewer");
    const made = await create(viewer, { name: "cli" });
    expect(await authenticateApiKey(test.db, made.key)).not.toBeNull(); // now remembered
    const session = await signInWithApiKey(test.db, made.key);
    expect(await authenticateSession(test.db, session.token)).toMatchObject({ role: "viewer" });

    // Someone else cannot revoke it (nor learn that it exists).
    const { principal: other } = await userWithKey("editor");
    await expect(revokeApiKey(test.db, other, made.apiKey.id)).rejects.toThrow(/was not found/);

    const revoked = await revokeApiKey(test.db, viewer, made.apiKey.id);
    expect(revoked.state).toBe("revoked");
    expect(await authenticateApiKey(test.db, made.key)).toBeNull();
    expect(await authenticateSession(test.db, session.token)).toBeNull();
    const refused = await dispatch(
      new Request("http://127.0.0.1/api/v1/flows", {
        headers: { authorization: `Bearer ${made.key}` },
      }),
    );
    expect(refused.status).toBe(401);
  });

  it("an expired key is refused, and so are sessions made with it", async () => {
    const { principal: editor } = await userWithKey("editor");
    const made = await create(editor, { name: "short", expiresInDays: 1 });
    const session = await signInWithApiKey(test.db, made.key);
    await test.db.apiKey.update({
      where: { id: made.apiKey.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    // Past its expiry, the remembered key is not used either.
    const { forgetApiKeys } = await import("./principal.ts");
    forgetApiKeys();
    expect(await authenticateApiKey(test.db, made.key)).toBeNull();
    expect(await authenticateSession(test.db, session.token)).toBeNull();
  });
});

describe("agent keys", () => {
  it("serve only their queues, act only as the agents they registered, and report only on their runs", async () => {
    const { principal: admin, key: adminKey } = await userWithKey("admin");
    const queueA = uniqueName("qa");
    const queueB = uniqueName("qb");
    const keyA = (await create(admin, { name: "a", kind: "agent", queues: [queueA] })).key;
    const keyA2 = (await create(admin, { name: "a2", kind: "agent", queues: [queueA] })).key;
    const keyB = (await create(admin, { name: "b", kind: "agent", queues: [queueB] })).key;
    const agent = (queues: string[]) => ({ name: "vm", queues, concurrency: 1 });

    // Registering on a queue the key does not serve is refused, saying which it serves.
    const outside = await post("/api/v1/agents", keyA, agent([queueA, queueB]));
    expect(outside.status).toBe(403);
    expect(((await outside.json()) as { error: { message: string } }).error.message).toContain(
      `serves only work queue ${queueA}`,
    );
    const registered = await post("/api/v1/agents", keyA, agent([queueA]));
    expect(registered.status).toBe(201);
    const agentA = ((await registered.json()) as { id: string }).id;

    // Another key — even one for the same queue — cannot act as that agent.
    for (const action of ["claim", "heartbeat", "stop"]) {
      const body =
        action === "claim"
          ? { capacity: 1, waitMs: 0 }
          : action === "heartbeat"
            ? { runs: [] }
            : {};
      const response = await post(`/api/v1/agents/${agentA}/${action}`, keyA2, body);
      expect(response.status, action).toBe(403);
    }
    expect(await test.db.agent.findUnique({ where: { id: agentA } })).toMatchObject({
      stoppedAt: null,
    });

    // A run of queue B, claimed by B's agent: A's key can neither report on it nor read it.
    const { deploymentId } = await seedDeployment(test.db, threeTasks(), queueB);
    const run = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const agentB = (
      (await (await post("/api/v1/agents", keyB, agent([queueB]))).json()) as {
        id: string;
      }
    ).id;
    const claim = await post(`/api/v1/agents/${agentB}/claim`, keyB, { capacity: 1, waitMs: 0 });
    const claimed = ((await claim.json()) as { runs: { flowRunId: string; leaseId: string }[] })
      .runs;
    expect(claimed.map((r) => r.flowRunId)).toEqual([run.id]);
    const report = { leaseId: claimed[0]!.leaseId, seq: 1, events: [], logs: [] };
    // Even with the lease's id: the report is refused by its own read and changes nothing.
    const running = { type: "flow", state: "Running", at: new Date().toISOString() };
    const before = await test.db.flowRun.findUniqueOrThrow({ where: { id: run.id } });
    const stolen = await post(`/api/v1/flow-runs/${run.id}/report`, keyA, { ...report, events: [running] }); // prettier-ignore
    expect(stolen.status).toBe(403);
    expect(((await stolen.json()) as { error: { message: string } }).error.message).toBe(
      `flow run ${run.id} is not held by an agent of this API key`,
    );
    expect(await test.db.flowRun.findUniqueOrThrow({ where: { id: run.id } })).toEqual(before);
    const missing = crypto.randomUUID();
    expect((await post(`/api/v1/flow-runs/${missing}/report`, keyB, report)).status).toBe(404);
    expect((await post(`/api/v1/flow-runs/${missing}/cache`, keyB, { leaseId: report.leaseId, keys: ["k"] })).status).toBe(404); // prettier-ignore
    expect(
      (
        await post(`/api/v1/flow-runs/${run.id}/cache`, keyA, {
          leaseId: report.leaseId,
          keys: ["k"],
        })
      ).status,
    ).toBe(403);
    expect((await post(`/api/v1/flow-runs/${run.id}/report`, keyB, report)).status).toBe(200);
    const read = await dispatch(
      new Request(`http://127.0.0.1/api/v1/flow-runs/${run.id}`, {
        headers: { authorization: `Bearer ${keyA}` },
      }),
    );
    expect(read.status).toBe(403);
    // An admin's own key may still run an agent (on any queue), bound the same way.
    expect((await post("/api/v1/agents", adminKey, agent([queueB]))).status).toBe(201);
  });

  it("keep the lines of a late agent whose retried run waits unclaimed, and refuse other keys", async () => {
    const { principal: admin } = await userWithKey("admin");
    const queue = uniqueName("qlate");
    const key = (await create(admin, { name: "late", kind: "agent", queues: [queue] })).key;
    const other = (await create(admin, { name: "other", kind: "agent", queues: [queue] })).key;
    const { deploymentId } = await seedDeployment(test.db, threeTasks(), queue);
    await test.db.deployment.update({ where: { id: deploymentId }, data: { retries: 1 } });
    const run = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const registered = await post("/api/v1/agents", key, { name: "vm", queues: [queue], concurrency: 1 }); // prettier-ignore
    const agentId = ((await registered.json()) as { id: string }).id;
    const claim = await post(`/api/v1/agents/${agentId}/claim`, key, { capacity: 1, waitMs: 0 });
    const { leaseId } = ((await claim.json()) as { runs: { leaseId: string }[] }).runs[0]!;
    const at = () => new Date().toISOString();
    const line = (message: string) => ({ type: "log", task: "extract", attempt: 1, level: "info", message, at: at() }); // prettier-ignore
    const first = await post(`/api/v1/flow-runs/${run.id}/report`, key, {
      leaseId,
      seq: 1,
      events: [
        { type: "flow", state: "Running", at: at() },
        { type: "task", task: "extract", state: "Running", attempt: 1, at: at() },
        line("line 1"),
      ],
      logs: [],
    });
    expect(first.status).toBe(200);
    // The agent falls silent; its lease runs out and the flow retry queues the run again,
    // with no agent until one claims it.
    await test.db.$executeRaw`UPDATE "FlowRun" SET "leaseExpiresAt" = now() - interval '1 second' WHERE id = ${run.id}::uuid`; // prettier-ignore
    await test.db.$transaction(async (tx) => {
      const reaped = await reapExpiredLeases(tx, { reattachGraceMs: 60_000 });
      for (const id of reaped.crashed) await retryFlowRun(tx, id);
    });
    expect(await test.db.flowRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ state: "Scheduled", agentId: null }); // prettier-ignore

    // Back, the late agent delivers what it buffered: refused (stop the task), lines kept.
    const late = await post(`/api/v1/flow-runs/${run.id}/report`, key, { leaseId, seq: 2, events: [line("line 2")], logs: [] }); // prettier-ignore
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: unknown }).error).toMatchObject({
      code: "lease_lost",
      lateLogsStored: true,
    });
    const chunks = await test.db.logChunk.findMany({ where: { flowRunId: run.id }, orderBy: { firstLine: "asc" } }); // prettier-ignore
    expect(chunks.flatMap((c) => c.messages as string[])).toEqual(["line 1", "line 2"]);
    // A lease that was never the run's, from a key whose agent does not hold it: refused as before.
    const stranger = await post(`/api/v1/flow-runs/${run.id}/report`, other, { leaseId: crypto.randomUUID(), seq: 1, events: [line("x")], logs: [] }); // prettier-ignore
    expect(stranger.status).toBe(403);
  });
});
