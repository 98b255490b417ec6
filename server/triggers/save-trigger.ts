// Adding, changing, rotating and removing a deployment's triggers, each recorded in the audit
// log. A webhook's token is made like an API key's secret (server/auth/secrets.ts): 256 random
// bits, shown once in the answer to its creation or rotation, stored only as its hash.
import type {
  TriggerInput,
  TriggerPatch,
  TriggerView,
  TriggerWithToken,
} from "../../contract/triggers.ts";
import { WEBHOOK_PATH } from "../../contract/triggers.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit, type AuditDetails } from "../audit/record.ts";
import { generateToken, hashSecret } from "../auth/secrets.ts";
import type { Db, Tx } from "../db/client.ts";
import { isUniqueViolation, isUuid } from "../db/ids.ts";
import { toJson } from "../db/json.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { checkMap, refuseCycle } from "./check-trigger.ts";
import { TRIGGER_SELECT, triggerView, type TriggerRow } from "./trigger-row.ts";
import { runEndWatchersChanged } from "../runs/run-end-watchers.ts";

type ChangeOptions = { actor?: Actor; origin?: string };

// Enough to tell two URLs apart in a list, nothing that helps to guess one.
const PREFIX_LENGTH = 6;

function newToken() {
  const token = generateToken();
  return { token, tokenHash: hashSecret(token), tokenPrefix: token.slice(0, PREFIX_LENGTH) };
}

function withToken(row: TriggerRow, token: string | null, origin?: string): TriggerWithToken {
  const path = token === null ? null : WEBHOOK_PATH + token;
  return {
    trigger: triggerView(row),
    token,
    path,
    url: path !== null && origin ? origin + path : null,
  };
}

function record(
  tx: Tx,
  actor: Actor,
  action: Parameters<typeof audit>[2],
  row: TriggerRow,
  details: AuditDetails = {},
) {
  return audit(
    tx,
    actor,
    action,
    { type: "trigger", id: row.id, name: row.name },
    {
      deploymentId: row.deploymentId,
      kind: row.kind,
      ...details,
    },
  );
}

function nameTaken(name: string): PipebookError {
  return new PipebookError(
    "conflict",
    `name: this deployment already has a trigger named "${name}": choose another name`,
  );
}

export async function listTriggers(db: Db, deploymentId: string): Promise<TriggerView[]> {
  const exists = isUuid(deploymentId)
    ? await db.deployment.count({ where: { id: deploymentId } })
    : 0;
  if (!exists) throw new NotFoundError("deployment", deploymentId);
  const rows = await db.trigger.findMany({
    where: { deploymentId },
    orderBy: { createdAt: "asc" },
    select: TRIGGER_SELECT,
  });
  return rows.map(triggerView);
}

export async function getTrigger(db: Db, id: string): Promise<TriggerRow> {
  const row = isUuid(id)
    ? await db.trigger.findUnique({ where: { id }, select: TRIGGER_SELECT })
    : null;
  if (!row) throw new NotFoundError("trigger", id);
  return row;
}

export async function createTrigger(
  db: Db,
  deploymentId: string,
  input: TriggerInput,
  { actor = SYSTEM_ACTOR, origin }: ChangeOptions = {},
): Promise<TriggerWithToken> {
  const sourceDeploymentId = input.kind === "runCompletion" ? input.sourceDeploymentId! : null;
  const { target, source } = await checkMap(db, {
    deploymentId,
    kind: input.kind,
    map: input.map,
    sourceDeploymentId,
  });
  const secret = input.kind === "webhook" ? newToken() : null;
  try {
    const row = await db.$transaction(async (tx) => {
      if (source) await refuseCycle(tx, source, target);
      const row = await tx.trigger.create({
        data: {
          deploymentId,
          name: input.name,
          kind: input.kind,
          active: input.active,
          parameterMap: toJson(input.map),
          tokenHash: secret?.tokenHash ?? null,
          tokenPrefix: secret?.tokenPrefix ?? null,
          sourceDeploymentId,
          onStates: input.kind === "runCompletion" ? (input.states ?? ["Completed"]) : [],
        },
        select: TRIGGER_SELECT,
      });
      await record(tx, actor, "trigger.create", row, { map: Object.keys(input.map) });
      return row;
    });
    runEndWatchersChanged();
    return withToken(row, secret?.token ?? null, origin);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function updateTrigger(
  db: Db,
  id: string,
  patch: TriggerPatch,
  { actor = SYSTEM_ACTOR }: ChangeOptions = {},
): Promise<TriggerView> {
  const existing = await getTrigger(db, id);
  if (patch.states && existing.kind !== "runCompletion") {
    throw new PipebookError("bad_request", "states: a webhook trigger has no states");
  }
  if (patch.map) {
    await checkMap(db, {
      deploymentId: existing.deploymentId,
      kind: existing.kind,
      map: patch.map,
      sourceDeploymentId: existing.sourceDeploymentId,
    });
  }
  try {
    const row = await db.$transaction(async (tx) => {
      const row = await tx.trigger.update({
        where: { id },
        data: {
          name: patch.name,
          active: patch.active,
          parameterMap: patch.map ? toJson(patch.map) : undefined,
          onStates: patch.states,
          // Turned on again: what ended while it was off does not fire it.
          firesFrom: patch.active && !existing.active ? new Date() : undefined,
        },
        select: TRIGGER_SELECT,
      });
      await record(tx, actor, "trigger.update", row, { changed: Object.keys(patch) });
      return row;
    });
    runEndWatchersChanged();
    return triggerView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw nameTaken(patch.name ?? existing.name);
    throw error;
  }
}

/** A new URL for a webhook trigger: the old one stops working at once. */
export async function rotateTrigger(
  db: Db,
  id: string,
  { actor = SYSTEM_ACTOR, origin }: ChangeOptions = {},
): Promise<TriggerWithToken> {
  const existing = await getTrigger(db, id);
  if (existing.kind !== "webhook") {
    throw new PipebookError(
      "bad_request",
      `trigger "${existing.name}" runs on another run's end: only webhook triggers have a URL to rotate`,
    );
  }
  const secret = newToken();
  const row = await db.$transaction(async (tx) => {
    const row = await tx.trigger.update({
      where: { id },
      data: { tokenHash: secret.tokenHash, tokenPrefix: secret.tokenPrefix },
      select: TRIGGER_SELECT,
    });
    await record(tx, actor, "trigger.rotate", row);
    return row;
  });
  return withToken(row, secret.token, origin);
}

export async function deleteTrigger(
  db: Db,
  id: string,
  { actor = SYSTEM_ACTOR }: ChangeOptions = {},
): Promise<void> {
  const existing = await getTrigger(db, id);
  await db.$transaction(async (tx) => {
    await tx.trigger.delete({ where: { id } });
    await record(tx, actor, "trigger.delete", existing);
  });
}
