// A rule's delivery log (newest first), a delivery retried by hand, and a test message.
import crypto from "node:crypto";
import type {
  NotificationDeliveryView,
  NotificationPayload,
} from "../../contract/notifications.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { isUuid } from "../db/ids.ts";
import { toJson } from "../db/json.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import { testPayload } from "./message.ts";

type DeliveryRow = Prisma.NotificationDeliveryGetPayload<object>;

function deliveryView(row: DeliveryRow): NotificationDeliveryView {
  return {
    id: row.id,
    ruleId: row.ruleId,
    flowRunId: row.flowRunId,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    lastError: row.lastError,
    lastStatus: row.lastStatus,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    text: (row.payload as NotificationPayload).text,
  };
}

// The page cursor: the last row's creation time and id ("<iso>_<uuid>").
const cursorOf = (row: DeliveryRow) => `${row.createdAt.toISOString()}_${row.id}`;
function parseCursor(text: string): { createdAt: Date; id: string } {
  const [at, id] = text.split("_");
  const createdAt = new Date(at ?? "");
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw new PipebookError(
      "bad_request",
      "before: not a cursor of this list (pass the `next` of the previous page)",
    );
  }
  return { createdAt, id };
}

async function requireRule(db: Db, ruleId: string) {
  const rule = isUuid(ruleId)
    ? await db.notificationRule.findUnique({
        where: { id: ruleId },
        select: { id: true, name: true },
      })
    : null;
  if (!rule) throw new NotFoundError("notification rule", ruleId);
  return rule;
}

export async function listDeliveries(
  db: Db,
  ruleId: string,
  page: { limit: number; before?: string },
): Promise<{ deliveries: NotificationDeliveryView[]; next: string | null }> {
  await requireRule(db, ruleId);
  const before = page.before ? parseCursor(page.before) : null;
  const rows = await db.notificationDelivery.findMany({
    where: {
      ruleId,
      ...(before
        ? {
            OR: [
              { createdAt: { lt: before.createdAt } },
              { createdAt: before.createdAt, id: { lt: before.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: page.limit + 1,
  });
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  return {
    deliveries: shown.map(deliveryView),
    next: more && shown.length ? cursorOf(shown[shown.length - 1]!) : null,
  };
}

/** Sends a delivery again now: a failed one, or a pending one without waiting for its backoff. */
export async function retryDelivery(
  db: Db,
  id: string,
  { actor = SYSTEM_ACTOR, now = new Date() }: { actor?: Actor; now?: Date } = {},
): Promise<NotificationDeliveryView> {
  const row = await db.$transaction(async (tx) => {
    const found = isUuid(id)
      ? await tx.notificationDelivery.findUnique({
          where: { id },
          include: { rule: { select: { name: true } } },
        })
      : null;
    if (!found) throw new NotFoundError("notification delivery", id);
    // Delivered: done. Delivering: a sender holds it right now.
    const { count } = await tx.notificationDelivery.updateMany({
      where: { id, status: { in: ["failed", "pending"] } },
      data: { status: "pending", nextAttemptAt: now },
    });
    if (!count) {
      throw new PipebookError(
        "invalid_state",
        `delivery ${id} is ${found.status}: only a failed or pending delivery can be retried`,
      );
    }
    await audit(
      tx,
      actor,
      "notificationDelivery.retry",
      { type: "notificationRule", id: found.ruleId, name: found.rule.name },
      { deliveryId: id, event: found.event, flowRunId: found.flowRunId },
    );
    return tx.notificationDelivery.findUniqueOrThrow({ where: { id } });
  });
  publish("notification-queued", row.id);
  return deliveryView(row);
}

/** Queues a test message to the rule's URL, sent at once (and retried like any other). */
export async function sendTestMessage(
  db: Db,
  ruleId: string,
  options: { baseUrl: string; actor?: Actor },
): Promise<NotificationDeliveryView> {
  const rule = await requireRule(db, ruleId);
  const id = crypto.randomUUID();
  const row = await db.$transaction(async (tx) => {
    const row = await tx.notificationDelivery.create({
      data: {
        id,
        ruleId,
        event: "test",
        payload: toJson(testPayload({ deliveryId: id, rule, baseUrl: options.baseUrl })),
      },
    });
    await audit(tx, options.actor ?? SYSTEM_ACTOR, "notificationRule.test", {
      type: "notificationRule",
      id: rule.id,
      name: rule.name,
    });
    return row;
  });
  publish("notification-queued", row.id);
  return deliveryView(row);
}
