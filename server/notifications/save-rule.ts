// Adding, changing and removing notification rules, each recorded in the audit log in the same
// transaction. A change is checked whole (the stored rule with the change over it), so a patch
// cannot leave, say, a longRunning rule without its minutes.
import {
  NotificationRuleInputSchema,
  type NotificationRuleInput,
  type NotificationRulePatch,
  type NotificationRuleView,
} from "../../contract/notifications.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import type { Db, Tx } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { RULE_SELECT, ruleView } from "./rule-view.ts";
import { runEndWatchersChanged } from "../runs/run-end-watchers.ts";

export async function listRules(db: Db): Promise<NotificationRuleView[]> {
  const rows = await db.notificationRule.findMany({
    select: RULE_SELECT,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(ruleView);
}

export async function getRule(db: Db, id: string): Promise<NotificationRuleView> {
  const row = isUuid(id)
    ? await db.notificationRule.findUnique({ where: { id }, select: RULE_SELECT })
    : null;
  if (!row) throw new NotFoundError("notification rule", id);
  return ruleView(row);
}

async function checkDeployment(db: Db | Tx, deploymentId: string | null | undefined) {
  if (!deploymentId) return;
  const found = await db.deployment.count({ where: { id: deploymentId } });
  if (!found) {
    throw new PipebookError(
      "bad_request",
      `deploymentId: there is no deployment ${JSON.stringify(deploymentId)} (see GET /api/v1/deployments)`,
    );
  }
}

const columns = (input: NotificationRuleInput) => ({
  name: input.name,
  deploymentId: input.deploymentId ?? null,
  tag: input.tag ?? null,
  events: input.events,
  longerThanMinutes: input.events.includes("longRunning")
    ? (input.longerThanMinutes ?? null)
    : null,
  url: input.url,
  active: input.active,
});

const auditTarget = (row: { id: string; name: string }) => ({
  type: "notificationRule" as const,
  id: row.id,
  name: row.name,
});

const auditDetails = (input: NotificationRuleInput) => ({
  deploymentId: input.deploymentId ?? null,
  tag: input.tag ?? null,
  events: [...input.events],
  active: input.active,
});

export async function createRule(
  db: Db,
  input: NotificationRuleInput,
  { actor = SYSTEM_ACTOR }: { actor?: Actor } = {},
): Promise<NotificationRuleView> {
  await checkDeployment(db, input.deploymentId);
  const row = await db.$transaction(async (tx) => {
    const row = await tx.notificationRule.create({
      data: { ...columns(input), createdById: actor.userId, createdBy: actor.userName },
      select: RULE_SELECT,
    });
    await audit(tx, actor, "notificationRule.create", auditTarget(row), auditDetails(input));
    return row;
  });
  runEndWatchersChanged();
  return ruleView(row);
}

export async function updateRule(
  db: Db,
  id: string,
  patch: NotificationRulePatch,
  { actor = SYSTEM_ACTOR }: { actor?: Actor } = {},
): Promise<NotificationRuleView> {
  const existing = isUuid(id) ? await db.notificationRule.findUnique({ where: { id } }) : null;
  if (!existing) throw new NotFoundError("notification rule", id);
  const merged = {
    name: existing.name,
    deploymentId: existing.deploymentId,
    tag: existing.tag,
    events: existing.events.filter((e) => e !== "test"),
    longerThanMinutes: existing.longerThanMinutes,
    url: existing.url,
    active: existing.active,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
  };
  // Choosing one scope clears the other: a patch naming a tag moves the rule off its deployment.
  if (patch.tag && patch.deploymentId === undefined) merged.deploymentId = null;
  if (patch.deploymentId && patch.tag === undefined) merged.tag = null;
  const checked = NotificationRuleInputSchema.safeParse(merged);
  if (!checked.success) {
    const problems = checked.error.issues.map(
      (i) => `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`,
    );
    throw new PipebookError("bad_request", `invalid body: ${problems.join("; ")}`);
  }
  await checkDeployment(db, checked.data.deploymentId);
  const row = await db.$transaction(async (tx) => {
    const row = await tx.notificationRule.update({
      where: { id },
      data: columns(checked.data),
      select: RULE_SELECT,
    });
    await audit(tx, actor, "notificationRule.update", auditTarget(row), {
      ...auditDetails(checked.data),
      changed: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined),
    });
    return row;
  });
  runEndWatchersChanged();
  return ruleView(row);
}

/** Removes a rule and its delivery log; messages not yet delivered are not sent. */
export async function deleteRule(
  db: Db,
  id: string,
  { actor = SYSTEM_ACTOR }: { actor?: Actor } = {},
): Promise<void> {
  const exists = isUuid(id) ? await db.notificationRule.count({ where: { id } }) : 0;
  if (!exists) throw new NotFoundError("notification rule", id);
  await db.$transaction(async (tx) => {
    const row = await tx.notificationRule.delete({ where: { id } });
    await audit(tx, actor, "notificationRule.delete", auditTarget(row));
  });
}
