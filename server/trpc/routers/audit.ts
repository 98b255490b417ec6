// The studio's audit log page (admins): thin over server/audit/list-audit-events.ts.
import { AuditFilterSchema, MAX_AUDIT_PAGE } from "../../../contract/api-v1.ts";
import { listAuditEvents } from "../../audit/list-audit-events.ts";
import { adminProcedure, router } from "../init.ts";
import * as z from "zod";

export const auditRouter = router({
  list: adminProcedure
    .input(
      AuditFilterSchema.extend({
        cursor: z.string().max(200).nullish(),
        limit: z.int().min(1).max(MAX_AUDIT_PAGE).default(50),
      }),
    )
    .query(({ ctx, input }) => {
      const { cursor, limit, ...filter } = input;
      return listAuditEvents(ctx.db, filter, { cursor, limit });
    }),
});
