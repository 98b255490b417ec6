// `pipebook runs`: the runs list with the studio's filters, as a table (or --json).
import {
  ListFlowRunsResponseSchema,
  type FlowRunListItem,
  type ListFlowRunsResponse,
} from "../../contract/api-v1.ts";
import { formatDurationMs } from "../../contract/duration.ts";
import { FLOW_RUN_DISPLAY_STATES } from "../../contract/run-states.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson, warn } from "../output.ts";
import { table } from "../table.ts";
import { parseTimeArg } from "../time-arg.ts";

const PAGE = 200;
const STATES = FLOW_RUN_DISPLAY_STATES;
const STATES_HELP = `${STATES.slice(0, 6).join(", ")},\n                       ${STATES.slice(6).join(", ")}`;

type Filters = {
  states: string[];
  flow?: string;
  deployment?: string;
  tags: string[];
  since?: string;
  until?: string;
  limit: number;
};

export const runsCommand = defineCommand({
  name: "runs",
  aliases: ["runs ls"],
  operands: "",
  arity: { min: 0, max: 0 },
  summary: "list flow runs, newest first (filters as on the studio's runs page)",
  help: `Lists flow runs newest first by scheduled time: state, flow, deployment, when it was
scheduled or started, how long it ran, and its id.

Options:
  --state STATE        only runs shown in this state (repeatable or comma-separated):
                       ${STATES_HELP}
  --flow FLOW          only runs of this flow
  --deployment DEP     only runs of this deployment (FLOW/NAME or its id)
  --tag TAG            only runs carrying this tag (repeatable: every one of them)
  --since WHEN         scheduled at or after WHEN: a span back from now (30m, 24h, 7d, 2w)
                       or a date/time (2026-11-30, 2026-11-30T08:00)
  --until WHEN         scheduled before WHEN (same forms)
  --limit N            at most N runs (default 25)`,
  options: {
    state: { type: "string", multiple: true, default: [] },
    flow: { type: "string" },
    deployment: { type: "string" },
    tag: { type: "string", multiple: true, default: [] },
    since: { type: "string" },
    until: { type: "string" },
    limit: { type: "string", default: "25" },
  },
  run: async ({ api, values }) => {
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new CliError(`--limit must be a whole number ≥ 1 (got "${values.limit}")`);
    }
    const filters: Filters = {
      states: values.state.flatMap((s) => s.split(",")).filter(Boolean),
      flow: values.flow,
      deployment: values.deployment,
      tags: values.tag.flatMap((t) => t.split(",")).filter(Boolean),
      since: values.since,
      until: values.until,
      limit,
    };
    const page = await listRuns(api(), filters);
    if (values.json) sayJson(page);
    else printRuns(page, filters);
  },
});

/** Reads pages until `limit` runs (or the end); `next` says where the list goes on. */
async function listRuns(api: ApiClient, filters: Filters): Promise<ListFlowRunsResponse> {
  const now = new Date();
  for (const state of filters.states) {
    if (!(STATES as readonly string[]).includes(state)) {
      throw new CliError(`--state: unknown state "${state}" (states: ${STATES.join(", ")})`);
    }
  }
  const query = {
    state: filters.states.join(",") || undefined,
    flow: filters.flow,
    deployment: filters.deployment,
    tag: filters.tags.join(",") || undefined,
    from: filters.since ? parseTimeArg(filters.since, "--since", now).toISOString() : undefined,
    until: filters.until ? parseTimeArg(filters.until, "--until", now).toISOString() : undefined,
  };
  const runs: FlowRunListItem[] = [];
  let cursor: string | undefined;
  for (;;) {
    const limit = Math.min(PAGE, filters.limit - runs.length);
    const result = await api.request("/api/v1/flow-runs", ListFlowRunsResponseSchema, {
      query: { ...query, cursor, limit: String(limit) },
    });
    if (!result.ok) throw new CliError(`could not list runs: ${result.error}`);
    runs.push(...result.data.runs);
    if (!result.data.next || runs.length >= filters.limit) {
      return { ...result.data, runs };
    }
    cursor = result.data.next;
  }
}

function printRuns(page: ListFlowRunsResponse, filters: Filters) {
  const matching = Object.entries(page.counts)
    .filter(([state]) => filters.states.length === 0 || filters.states.includes(state))
    .reduce((sum, [, n]) => sum + n, 0);
  if (page.runs.length === 0) {
    const filtered =
      filters.states.length || filters.tags.length || filters.flow || filters.deployment;
    say(
      filtered || filters.since || filters.until ? "No runs match these filters." : "No runs yet.",
    );
    return;
  }
  say(
    table(
      ["STATE", "FLOW", "DEPLOYMENT", "SCHEDULED/STARTED", "DURATION", "RUN"],
      page.runs.map((run) => [
        run.waitingFor ? `${run.state}: ${run.waitingFor}` : run.state,
        `${run.flow.name} v${run.flow.version}`,
        run.deployment?.name ?? (run.cellTask ? `cell: ${run.cellTask}` : "—"),
        when(run),
        run.durationMs === null ? "—" : formatDurationMs(run.durationMs),
        run.id,
      ]),
    ),
  );
  if (page.next) {
    warn(`(${page.runs.length} of ${matching} runs; --limit N shows more)`);
  }
}

/** "2026-11-30 13:02:11" in the local time zone; started runs show their start. */
function when(run: FlowRunListItem): string {
  const at = new Date(run.startedAt ?? run.scheduledAt);
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `${day} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}
