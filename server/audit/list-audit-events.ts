// Reading the audit log (admins): newest first, filtered, a page at a time. The cursor is the
// id of the last event of a page: ids only grow, so pages stay stable while new events arrive.
import type {
  AuditEventView,
  AuditFilter,
  ListAuditEventsResponse,
} from "../../contract/api-v1/audit.ts";
import type { Db } from "../db/client.ts";
import type { Prisma } from "../db/generated/client.ts";
import { isUuid } from "../db/ids.ts";
import { PipebookError } from "../errors.ts";

type Row = Prisma.AuditEventGetPayload<object>;

export async function listAuditEvents(
  db: Db,
  filter: AuditFilter,
  page: { limit: number; cursor?: string | null },
): Promise<ListAuditEventsResponse> {
  const where: Prisma.AuditEventWhereInput = {};
  if (filter.action) {
    where.action = filter.action.includes(".")
      ? filter.action
      : { startsWith: `${filter.action}.` };
  }
  if (filter.actor) {
    where.OR = isUuid(filter.actor)
      ? [{ actorId: filter.actor }, { actorName: filter.actor }]
      : [{ actorName: filter.actor }];
  }
  if (filter.targetType) where.targetType = filter.targetType;
  if (filter.target) {
    where.AND = [{ OR: [{ targetId: filter.target }, { targetName: filter.target }] }];
  }
  if (filter.since || filter.until) {
    where.at = {
      ...(filter.since ? { gte: new Date(filter.since) } : {}),
      ...(filter.until ? { lt: new Date(filter.until) } : {}),
    };
  }
  if (page.cursor) where.id = { lt: decodeCursor(page.cursor) };
  const rows = await db.auditEvent.findMany({
    where,
    orderBy: { id: "desc" },
    take: page.limit + 1,
  });
  const events = rows.slice(0, page.limit).map(view);
  return { events, next: rows.length > page.limit ? (events.at(-1)?.id ?? null) : null };
}

function decodeCursor(cursor: string): bigint {
  if (/^[1-9][0-9]{0,18}$/.test(cursor)) return BigInt(cursor);
  throw new PipebookError(
    "bad_request",
    "the cursor is not one this server gave: pass `next` of an earlier answer (with the same filters)",
  );
}

function view(row: Row): AuditEventView {
  return {
    id: row.id.toString(),
    at: row.at.toISOString(),
    actor: {
      userId: row.actorId,
      name: row.actorName,
      via: row.via,
      key: row.keyId ? { id: row.keyId, name: row.keyName ?? "(deleted key)" } : null,
    },
    action: row.action as AuditEventView["action"],
    target: {
      type: row.targetType as AuditEventView["target"]["type"],
      id: row.targetId,
      name: row.targetName,
    },
    details: (row.details ?? {}) as Record<string, unknown>,
  };
}
