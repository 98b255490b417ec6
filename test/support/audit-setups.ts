// For server/audit/audit.int.test.ts: the data each audited call is made on (audit-cases.ts and
// audit-trpc-cases.ts), made fresh for each case.
import type { AuditAction } from "../../contract/api-v1/audit.ts";
import { SYSTEM_ACTOR } from "../../server/audit/actor.ts";
import { hashPassword } from "../../server/auth/passwords.ts";
import { generateToken, hashSecret } from "../../server/auth/secrets.ts";
import type { Db } from "../../server/db/client.ts";
import { setWorkQueuePaused } from "../../server/queues/pause-work-queue.ts";
import { setDeploymentPaused } from "../../server/deployments/deployment-settings.ts";
import { setTagLimit } from "../../server/limits/tag-limits.ts";
import { createSchedule } from "../../server/schedules/save-schedule.ts";
import { createTrigger } from "../../server/triggers/save-trigger.ts";
import { createRule } from "../../server/notifications/save-rule.ts";
import { createBackfill } from "../../server/backfills/create-backfill.ts";
import { getSecretKey } from "../../server/secrets/secret-key.ts";
import { setSecret } from "../../server/secrets/set-secret.ts";
import { createStorage } from "../../server/storage/storages.ts";
import { setVariable } from "../../server/variables/set-variable.ts";
import { seedDeployment, seedFlow, seedRun, seedRunIn, threeTasks, uniqueName } from "./seed.ts";

/** What a case's setup made: ids and names the call fills in. */
export type Made = Record<string, string>;

export type RestCase = {
  action: AuditAction;
  setup?: (db: Db) => Promise<Made>;
  path: (made: Made) => string;
  body?: (made: Made) => unknown;
};

export type TrpcCase = {
  action: AuditAction;
  setup?: (db: Db) => Promise<Made>;
  input: (made: Made) => unknown;
};

export const flow = async (db: Db): Promise<Made> => ({ flow: (await seedFlow(db)).name });
export const deployment = async (db: Db): Promise<Made> => {
  const { flow, deploymentId } = await seedDeployment(db, threeTasks(), uniqueName("q"));
  return { flow: flow.name, deployment: deploymentId };
};
export const scheduledRun = async (db: Db): Promise<Made> => ({ run: (await seedRun(db)).runId });
export const failedRun = async (db: Db): Promise<Made> => {
  const { deploymentId } = await seedDeployment(db);
  return { run: await seedRunIn(db, deploymentId, "Failed") };
};
export const queue = (paused: boolean) => async (db: Db) => {
  const queue = uniqueName("q");
  await seedDeployment(db, threeTasks(), queue);
  if (paused) await setWorkQueuePaused(db, queue, true, SYSTEM_ACTOR);
  return { queue };
};
export const secret = async (db: Db): Promise<Made> => {
  const name = `S_${uniqueName("s").slice(2).toUpperCase().replace("-", "_")}`;
  await setSecret(db, getSecretKey(), { name, value: "a-secret-value" });
  return { secret: name };
};
/** An S3 storage (not checked against a server: the audit only needs its row). */
export const storageBody = () => ({
  name: uniqueName("s3"),
  kind: "s3" as const,
  endpoint: "http://127.0.0.1:9",
  bucket: "results",
  accessKeyId: "id",
  secretAccessKey: "never-in-the-audit-log",
  verify: false,
});
export const storageBlock = async (db: Db): Promise<Made> => {
  const body = storageBody();
  await createStorage(db, { ...body, region: "us-east-1", prefix: "", forcePathStyle: true });
  return { storage: body.name };
};
export const flowAndStorage = async (db: Db): Promise<Made> => ({
  ...(await flow(db)),
  ...(await storageBlock(db)),
});
export const variable = async (db: Db): Promise<Made> => {
  const name = `v_${uniqueName("v").replace("-", "_")}`;
  await setVariable(db, { name, value: 1 });
  return { variable: name };
};
export const newSecretName = async (): Promise<Made> => ({
  secret: `S_${uniqueName("s").slice(2).toUpperCase().replace("-", "_")}`,
});
export const newVariableName = async (): Promise<Made> => ({
  variable: `v_${uniqueName("v").replace("-", "_")}`,
});
export const EVERY_HOUR = { interval: "1h" };
export const schedule = async (db: Db): Promise<Made> => {
  const made = await deployment(db);
  const { id } = await createSchedule(db, made.deployment!, {
    ...EVERY_HOUR,
    active: true,
    parameters: {},
    timezone: "UTC",
  });
  return { ...made, schedule: id };
};
export const WEBHOOK = { name: "hook", kind: "webhook", active: true, map: {} } as const;
export const trigger = async (db: Db): Promise<Made> => {
  const made = await deployment(db);
  const { trigger } = await createTrigger(db, made.deployment!, WEBHOOK);
  return { ...made, trigger: trigger.id };
};

// Nothing listens there: the cases store rules and deliveries, no sender runs.
export const HOOK = "http://127.0.0.1:9/hook";
export const ruleBody = () => ({ name: uniqueName("rule"), events: ["failed"], url: HOOK });
export const notificationRule = async (db: Db): Promise<Made> => {
  const { id } = await createRule(db, { ...ruleBody(), events: ["failed"], active: true });
  return { rule: id };
};
export const failedDelivery = async (db: Db): Promise<Made> => {
  const { rule } = await notificationRule(db);
  const delivery = await db.notificationDelivery.create({
    data: { ruleId: rule!, event: "test", payload: { text: "test" }, status: "failed" },
  });
  return { rule: rule!, delivery: delivery.id };
};

export const BACKFILL_RANGE = { from: "2026-11-01T00:00:00Z", to: "2026-11-01T02:00:00Z" };
export const backfill = async (db: Db): Promise<Made> => {
  const made = await schedule(db);
  const { id } = await createBackfill(db, made.deployment!, {
    scheduleId: made.schedule!,
    ...BACKFILL_RANGE,
    maxInFlight: 1,
  });
  return { ...made, backfill: id };
};
export const pausedDeployment = async (db: Db): Promise<Made> => {
  const made = await deployment(db);
  await setDeploymentPaused(db, made.deployment!, true, SYSTEM_ACTOR);
  return made;
};
export const newTag = async (): Promise<Made> => ({ tag: uniqueName("tag") });
export const tagLimit = async (db: Db): Promise<Made> => {
  const tag = uniqueName("tag");
  await setTagLimit(db, tag, 2, SYSTEM_ACTOR);
  return { tag };
};

/** Another person, a viewer, whose role a case changes. */
export const person = async (db: Db): Promise<Made> => {
  const user = await db.user.create({ data: { name: uniqueName("person"), role: "viewer" } });
  return { user: user.id };
};
/** A pending invitation, to revoke. */
export const pendingInvite = async (db: Db): Promise<Made> => {
  const invite = await db.invite.create({
    data: {
      email: `${uniqueName("invitee")}@example.org`,
      role: "viewer",
      tokenHash: hashSecret(generateToken()),
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  return { invite: invite.id };
};
/** The calling admin (the audit test's "auditor-…") gets a password to change. */
export const AUDITOR_PASSWORD = "the auditor's password, long enough";
export const auditorPassword = async (db: Db): Promise<Made> => {
  const auditor = await db.user.findFirstOrThrow({ where: { name: { startsWith: "auditor-" } } });
  await db.user.update({
    where: { id: auditor.id },
    data: {
      passwordHash: await hashPassword(AUDITOR_PASSWORD),
      email: auditor.email ?? `${auditor.name}@example.org`,
    },
  });
  return {};
};
export const newPassword = () => ({
  currentPassword: AUDITOR_PASSWORD,
  newPassword: "another password, long enough",
});

/** `key` is filled in by the test: a key of the calling user, to revoke. */
export const ownKey = async (): Promise<Made> => ({ key: "" });

export const deploymentBody = (m: Made) => ({
  flow: m.flow,
  name: uniqueName("d"),
  workQueue: "default",
});

export function threeTasksBody() {
  return threeTasks();
}
