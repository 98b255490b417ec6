// GET /api/v1/audit-events: the audit log, for admins (server/audit/).
import {
  ListAuditEventsQuerySchema,
  ListAuditEventsResponseSchema,
} from "../../../contract/api-v1.ts";
import { listAuditEvents } from "../../audit/list-audit-events.ts";
import { route } from "../handler.ts";
import { json } from "../respond.ts";

export const getAuditEvents = route(
  {
    access: "admin",
    query: ListAuditEventsQuerySchema,
    docs: {
      operationId: "listAuditEvents",
      summary: "List the audit log: who changed what, newest first (admins)",
      description:
        "One event per change: flows, deployments, runs triggered, cancelled and replayed, work queues paused and resumed, API keys, secrets (never their values) and variables, users. Each names its actor (user, the API key used, and whether through the studio, a key, an agent key or the server itself), the action, the target and a few details. `limit` at a time: pass `next` back as `cursor` for the next page. Filters combine.",
      tag: "Audit log",
      responses: {
        200: { description: "A page of events", schema: ListAuditEventsResponseSchema },
      },
      errors: [400],
    },
  },
  async ({ db, query }) => {
    const { cursor, limit, ...filter } = query;
    return json(200, await listAuditEvents(db, filter, { cursor, limit }));
  },
);
