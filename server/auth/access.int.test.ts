// Every /api/v1 route and every tRPC procedure against one written-down policy: who may call it.
// A route or procedure without an entry here fails the test, so none is added without deciding.
// Calls go through the real transports (dispatch for HTTP, the tRPC router with a principal),
// authenticated with real keys of users of each role.
import crypto from "node:crypto";
import { describe, expect, it, beforeAll } from "vitest";
import { TRPCError } from "@trpc/server";
import { freshDatabase, serveFrom } from "../../test/support/database.ts";
import { dispatch, TABLE } from "../api/routes.ts";
import { loadConfig } from "../config.ts";
import { appRouter } from "../trpc/root.ts";
import { authenticateApiKey, type Principal } from "./principal.ts";
import { ROLES, type Permission, type Role } from "./permissions.ts";
import { generateApiKey, hashSecret, keyPrefix } from "./secrets.ts";

type Access = "public" | "agent" | "run" | Permission;

const ROUTES: Record<string, Access> = {
  "GET /api/health": "public",
  "GET /api/v1/openapi.json": "public",
  "GET /agent/pipebook-agent.mjs": "public",
  "POST /api/v1/flows": "edit",
  "GET /api/v1/flows": "read",
  "GET /api/v1/flows/:name/versions/:version": "read",
  "GET /api/v1/flows/:name/storage": "read",
  "PUT /api/v1/flows/:name/storage": "edit",
  "POST /api/v1/deployments": "edit",
  "GET /api/v1/deployments": "read",
  "GET /api/v1/deployments/:id": "read",
  "POST /api/v1/deployments/:id/runs": "operate",
  "GET /api/v1/flow-runs": "read",
  "GET /api/v1/flow-runs/:id": "read",
  "GET /api/v1/flow-runs/:id/logs": "read",
  "GET /api/v1/flow-runs/:id/logs/download": "read",
  "GET /api/v1/flow-runs/:id/history": "read",
  "GET /api/v1/flow-runs/:id/wait": "read",
  "POST /api/v1/flow-runs/:id/cancel": "operate",
  "GET /api/v1/flow-runs/:id/tasks/:task": "read",
  "GET /api/v1/flow-runs/:id/tasks/:task/result": "read",
  "GET /api/v1/flow-runs/:id/tasks/:task/items": "read",
  "POST /api/v1/flow-runs/:id/retry": "operate",
  "POST /api/v1/flow-runs/:id/retry-from-failure": "operate",
  "POST /api/v1/flow-runs/:id/run-from-task": "operate",
  "GET /api/v1/flow-runs/:id/replay-plan": "read",
  "POST /api/v1/flow-runs/:id/report": "agent",
  "POST /api/v1/flow-runs/:id/cache": "agent",
  "POST /api/v1/flow-runs/:id/lock": "agent",
  "POST /api/v1/flow-runs/:id/storage/upload": "agent",
  "POST /api/v1/flow-runs/:id/storage/download": "agent",
  "GET /api/v1/flow-runs/:id/artifacts": "read",
  "POST /api/v1/flow-runs/:id/artifacts": "agent",
  "GET /api/v1/flow-runs/:id/artifacts/:artifactId": "read",
  // A pre-signed URL of the local storage: only its token opens it (checked by the route).
  "PUT /api/v1/storage/local/:token": "run",
  "GET /api/v1/storage/local/:token": "run",
  "GET /api/v1/storages": "read",
  "POST /api/v1/storages": "admin",
  "DELETE /api/v1/storages/:name": "admin",
  "GET /api/v1/work-queues": "read",
  "GET /api/v1/work-queues/:name": "read",
  "GET /api/v1/work-queues/:name/preview": "read",
  "POST /api/v1/work-queues/:name/pause": "operate",
  "POST /api/v1/work-queues/:name/resume": "operate",
  "PATCH /api/v1/work-queues/:name": "edit",
  "PATCH /api/v1/deployments/:id": "edit",
  "POST /api/v1/deployments/:id/pause": "operate",
  "POST /api/v1/deployments/:id/resume": "operate",
  "GET /api/v1/concurrency-limits": "read",
  "PUT /api/v1/concurrency-limits/tags/:tag": "edit",
  "DELETE /api/v1/concurrency-limits/tags/:tag": "edit",
  "GET /api/v1/retention": "read",
  "PUT /api/v1/retention": "admin",
  "PUT /api/v1/deployments/:id/retention": "admin",
  "POST /api/v1/retention/passes": "admin",
  "GET /api/v1/agents": "read",
  "POST /api/v1/agents": "agent",
  "POST /api/v1/agents/:id/claim": "agent",
  "POST /api/v1/agents/:id/heartbeat": "agent",
  "POST /api/v1/agents/:id/stop": "agent",
  // Everyone signed in manages their own keys; who may make which key is checked inside.
  "GET /api/v1/api-keys": "read",
  "POST /api/v1/api-keys": "read",
  "POST /api/v1/api-keys/:id/revoke": "read",
  "GET /api/v1/users": "admin",
  "PATCH /api/v1/users/:id": "admin",
  "GET /api/v1/invites": "admin",
  "POST /api/v1/invites": "admin",
  "POST /api/v1/invites/:id/revoke": "admin",
  // Everyone changes their own password (the current one is checked inside).
  "POST /api/v1/account/password": "read",
  // Only a run's own token opens it (checked by the route: no key or session does).
  "GET /api/v1/run-context/tasks/:task": "run",
  "GET /api/v1/secrets": "read",
  "GET /api/v1/secrets/:name": "read",
  "PUT /api/v1/secrets/:name": "edit",
  "DELETE /api/v1/secrets/:name": "edit",
  "GET /api/v1/variables": "read",
  "GET /api/v1/variables/:name": "read",
  "GET /api/v1/variables/:name/history": "read",
  "PUT /api/v1/variables/:name": "edit",
  "DELETE /api/v1/variables/:name": "edit",
  "GET /api/v1/audit-events": "admin",
  "POST /api/v1/schedules/preview": "read",
  "GET /api/v1/deployments/:id/schedules": "read",
  "POST /api/v1/deployments/:id/schedules": "edit",
  "PUT /api/v1/schedules/:id": "edit",
  "POST /api/v1/schedules/:id/pause": "operate",
  "POST /api/v1/schedules/:id/resume": "operate",
  "DELETE /api/v1/schedules/:id": "edit",
  "GET /api/v1/deployments/:id/triggers": "read",
  "POST /api/v1/deployments/:id/triggers": "edit",
  "PATCH /api/v1/triggers/:id": "edit",
  "DELETE /api/v1/triggers/:id": "edit",
  "POST /api/v1/triggers/:id/rotate": "edit",
  "GET /api/v1/triggers/:id/firings": "read",
  // The secret token in the path is the credential (checked by the route).
  "POST /api/v1/hooks/:token": "public",
  "GET /api/v1/notification-rules": "read",
  "POST /api/v1/notification-rules": "edit",
  "PATCH /api/v1/notification-rules/:id": "edit",
  "DELETE /api/v1/notification-rules/:id": "edit",
  "POST /api/v1/notification-rules/:id/test": "edit",
  "GET /api/v1/notification-rules/:id/deliveries": "read",
  "POST /api/v1/notification-deliveries/:id/retry": "operate",
  "POST /api/v1/backfills/preview": "read",
  "POST /api/v1/deployments/:id/backfills": "operate",
  "GET /api/v1/backfills": "read",
  "GET /api/v1/backfills/:id": "read",
  "POST /api/v1/backfills/:id/cancel": "operate",
};

const PROCEDURES: Record<string, Permission> = {
  "flows.list": "read",
  "flows.get": "read",
  "flows.versions": "read",
  "flows.locks": "read",
  "flows.save": "edit",
  "flows.create": "edit",
  "flows.rename": "edit",
  "flows.delete": "edit",
  "flows.import": "edit",
  "flows.export": "read",
  "flows.storage": "read",
  "flows.setStorage": "edit",
  "deployments.list": "read",
  "deployments.lastRuns": "read",
  "deployments.create": "edit",
  "runs.list": "read",
  "runs.get": "read",
  "runs.create": "operate",
  "runs.runCell": "edit",
  "runs.cancel": "operate",
  "runs.replayPlan": "read",
  "runs.replay": "operate",
  "runPage.get": "read",
  "runPage.live": "read",
  "runPage.task": "read",
  "runPage.taskResult": "read",
  "runPage.items": "read",
  "runPage.artifacts": "read",
  "queues.list": "read",
  "queues.preview": "read",
  "queues.pause": "operate",
  "queues.resume": "operate",
  "queues.update": "edit",
  "limits.list": "read",
  "limits.set": "edit",
  "limits.remove": "edit",
  "retention.get": "read",
  "retention.setGlobal": "admin",
  "retention.setDeployment": "admin",
  "retention.runNow": "admin",
  "deploymentSettings.pause": "operate",
  "deploymentSettings.resume": "operate",
  "deploymentSettings.setLimit": "edit",
  "agents.list": "read",
  "apiKeys.list": "read",
  "apiKeys.create": "read",
  "apiKeys.revoke": "read",
  "users.list": "admin",
  "users.update": "admin",
  "invites.list": "admin",
  "invites.create": "admin",
  "invites.revoke": "admin",
  "account.get": "read",
  "account.changePassword": "read",
  "secrets.list": "read",
  "secrets.set": "edit",
  "secrets.remove": "edit",
  "storages.list": "read",
  "storages.create": "admin",
  "storages.remove": "admin",
  "variables.list": "read",
  "variables.history": "read",
  "variables.set": "edit",
  "variables.remove": "edit",
  "schedules.preview": "read",
  "schedules.list": "read",
  "schedules.create": "edit",
  "schedules.update": "edit",
  "schedules.setActive": "operate",
  "schedules.remove": "edit",
  "triggers.list": "read",
  "triggers.firings": "read",
  "triggers.create": "edit",
  "triggers.update": "edit",
  "triggers.rotate": "edit",
  "triggers.remove": "edit",
  "notifications.list": "read",
  "notifications.create": "edit",
  "notifications.update": "edit",
  "notifications.remove": "edit",
  "notifications.test": "edit",
  "notifications.deliveries": "read",
  "notifications.retry": "operate",
  "backfills.preview": "read",
  "backfills.list": "read",
  "backfills.get": "read",
  "backfills.live": "read",
  "backfills.create": "operate",
  "backfills.cancel": "operate",
  "logs.window": "read",
  "logs.search": "read",
  "logs.tail": "read",
  "dashboard.runsByHour": "read",
  "dashboard.recentFailures": "read",
  "dashboard.lateRuns": "read",
  "dashboard.slowestFlows": "read",
  "audit.list": "admin",
};

const allowed = (access: Access, role: Role | "agent-key"): boolean => {
  if (access === "public") return true;
  if (access === "run") return false;
  if (role === "agent-key") return access === "agent";
  if (access === "agent") return role === "admin";
  return (
    ROLES.indexOf(role) >=
    ROLES.indexOf(
      ({ read: "viewer", operate: "operator", edit: "editor", admin: "admin" } as const)[access],
    )
  );
};

const test = freshDatabase();
serveFrom(test);
const keys = new Map<Role | "agent-key", string>();

beforeAll(async () => {
  for (const role of ROLES) {
    const user = await test.db.user.create({
      data: { name: `${role}-${crypto.randomBytes(3).toString("hex")}`, role },
    });
    const key = generateApiKey();
    await test.db.apiKey.create({
      data: { name: role, prefix: keyPrefix(key), hash: hashSecret(key), userId: user.id },
    });
    keys.set(role, key);
    if (role === "admin") {
      const agentKey = generateApiKey();
      await test.db.apiKey.create({
        data: {
          name: "agent",
          kind: "agent",
          queues: ["default"],
          prefix: keyPrefix(agentKey),
          hash: hashSecret(agentKey),
          userId: user.id,
        },
      });
      keys.set("agent-key", agentKey);
    }
  }
});

function call(method: string, pattern: string, key?: string): Promise<Response> {
  const path = pattern
    .replace(":id", crypto.randomUUID())
    .replace(":name", "no-such-queue")
    .replace(":task", "no_such_task");
  return dispatch(
    new Request(`http://127.0.0.1${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(method !== "GET" ? { "content-type": "application/json" } : {}),
      },
      ...(method !== "GET" ? { body: "{}" } : {}),
    }),
  );
}

describe("who may call what", () => {
  it("the policy names every route of the API and every tRPC procedure, and nothing else", () => {
    expect(Object.keys(ROUTES).sort()).toEqual(TABLE.map(([m, p]) => `${m} ${p}`).sort());
    const procedures = Object.keys(
      (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
    );
    expect(Object.keys(PROCEDURES).sort()).toEqual(procedures.sort());
  });

  it("each route refuses anonymous callers (401) and roles below its policy (403), and lets the others through", async () => {
    const failures: string[] = [];
    for (const [route, access] of Object.entries(ROUTES)) {
      const [method, pattern] = route.split(" ") as [string, string];
      const anonymous = (await call(method, pattern)).status;
      if (access === "public" ? anonymous === 401 || anonymous === 403 : anonymous !== 401) {
        failures.push(`${route} anonymous: ${anonymous}`);
      }
      for (const who of [...ROLES, "agent-key"] as const) {
        const status = (await call(method, pattern, keys.get(who))).status;
        const refused = status === 401 || status === 403;
        if (allowed(access, who) === refused) failures.push(`${route} as ${who}: ${status}`);
        if (!allowed(access, who) && status !== 403 && access !== "run") {
          failures.push(`${route} as ${who}: ${status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("each tRPC procedure refuses anonymous callers (UNAUTHORIZED) and roles below its policy (FORBIDDEN)", async () => {
    const failures: string[] = [];
    const config = loadConfig({});
    const principals: [Role | "agent-key" | "anonymous", Principal | null][] = [
      ["anonymous", null],
    ];
    for (const who of [...ROLES, "agent-key"] as const) {
      principals.push([who, await authenticateApiKey(test.db, keys.get(who)!)]);
    }
    for (const [path, permission] of Object.entries(PROCEDURES)) {
      for (const [who, principal] of principals) {
        const caller = appRouter.createCaller({ db: test.db, config, principal });
        const procedure = path
          .split(".")
          .reduce<unknown>((at, part) => (at as Record<string, unknown>)[part], caller) as (
          input: unknown,
        ) => Promise<unknown>;
        // An input no procedure accepts: allowed callers get past the check to a BAD_REQUEST
        // (or an answer, for procedures without input); refused ones never reach the input.
        let code = "OK";
        try {
          await procedure({ "no such field": true, id: "x".repeat(300) });
        } catch (error) {
          code = error instanceof TRPCError ? error.code : String(error);
        }
        const expected =
          who === "anonymous"
            ? "UNAUTHORIZED"
            : who === "agent-key" || !allowed(permission, who)
              ? "FORBIDDEN"
              : null;
        if (expected ? code !== expected : code === "UNAUTHORIZED" || code === "FORBIDDEN") {
          failures.push(`${path} as ${who}: ${code}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
