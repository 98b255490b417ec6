// `pipebook audit`: the audit log (admins), newest first, as a table (or --json).
import {
  ListAuditEventsResponseSchema,
  type AuditEventView,
  type ListAuditEventsResponse,
} from "../../contract/api-v1.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson, warn } from "../output.ts";
import { table } from "../table.ts";
import { parseTimeArg } from "../time-arg.ts";

const PAGE = 200;

type Filters = {
  action?: string;
  actor?: string;
  target?: string;
  since?: string;
  until?: string;
  limit: number;
};

export const auditCommand = defineCommand({
  name: "audit",
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list the audit log: who changed what, newest first (admins)",
  help: `Lists the audit log newest first: when, who (and through which key, or the studio),
what they did, and to what. Needs an admin's key.

Options:
  --action ACTION      only this action (run.cancel), or every action of a kind (run)
  --actor USER         only what this user did (their name or id)
  --target THING       only events about this thing (its name or id)
  --since WHEN         at or after WHEN: a span back from now (30m, 24h, 7d, 2w)
                       or a date/time (2026-11-30, 2026-11-30T08:00)
  --until WHEN         before WHEN (same forms)
  --limit N            at most N events (default 50)`,
  options: {
    action: { type: "string" },
    actor: { type: "string" },
    target: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    limit: { type: "string", default: "50" },
  },
  run: async ({ api, values }) => {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new CliError(`--limit must be a whole number ≥ 1 (got "${values.limit}")`);
    }
    const page = await listEvents(api(), { ...values, limit });
    if (values.json) sayJson(page);
    else printEvents(page);
  },
});

/** Reads pages until `limit` events (or the end). */
async function listEvents(api: ApiClient, filters: Filters): Promise<ListAuditEventsResponse> {
  const now = new Date();
  const query = {
    action: filters.action,
    actor: filters.actor,
    target: filters.target,
    since: filters.since ? parseTimeArg(filters.since, "--since", now).toISOString() : undefined,
    until: filters.until ? parseTimeArg(filters.until, "--until", now).toISOString() : undefined,
  };
  const events: AuditEventView[] = [];
  let cursor: string | undefined;
  for (;;) {
    const limit = Math.min(PAGE, filters.limit - events.length);
    const result = await api.request("/api/v1/audit-events", ListAuditEventsResponseSchema, {
      query: { ...query, cursor, limit: String(limit) },
    });
    if (!result.ok) throw new CliError(`could not read the audit log: ${result.error}`);
    events.push(...result.data.events);
    if (!result.data.next || events.length >= filters.limit) return { ...result.data, events };
    cursor = result.data.next;
  }
}

function printEvents(page: ListAuditEventsResponse) {
  if (page.events.length === 0) {
    say("No events match.");
    return;
  }
  say(
    table(
      ["WHEN", "WHO", "VIA", "ACTION", "TARGET"],
      page.events.map((event) => [
        when(event.at),
        event.actor.name,
        event.actor.key ? `${event.actor.via}: ${event.actor.key.name}` : event.actor.via,
        event.action,
        event.target.name ?? event.target.id ?? "—",
      ]),
    ),
  );
  if (page.next) warn(`(${page.events.length} events shown; --limit N shows more)`);
}

/** "2026-11-30 13:02:11" in the local time zone. */
function when(iso: string): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `${day} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}
