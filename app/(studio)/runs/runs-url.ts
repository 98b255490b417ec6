// The runs page's filters live in its URL (shareable; reload, Back and Forward restore them):
// /runs?state=Failed,Late&flow=orders&deployment=<id>&tag=etl,gpu&since=24h (or from=…&until=…).
// One reader and one writer, used by the page, the dashboard and the deployments page's links.
import { FLOW_RUN_DISPLAY_STATES, type FlowRunDisplayState } from "@/contract/run-states";

export const TIME_PRESETS = {
  "1h": { label: "Last hour", seconds: 3_600 },
  "24h": { label: "Last 24 h", seconds: 86_400 },
  "7d": { label: "Last 7 days", seconds: 604_800 },
} as const;
export type TimePreset = keyof typeof TIME_PRESETS;

export type RunsView = {
  states: FlowRunDisplayState[];
  flow?: string;
  /** A deployment's id (or FLOW/NAME). */
  deployment?: string;
  tags: string[];
  /** A window ending now. */
  since?: TimePreset;
  /** A fixed window (ISO times), when no `since`. */
  from?: string;
  until?: string;
};

type Params = { get(name: string): string | null; getAll(name: string): string[] };

const list = (params: Params, name: string) =>
  params
    .getAll(name)
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter(Boolean);

const isoOrUndefined = (value: string | null) =>
  value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;

export function parseRunsView(params: Params): RunsView {
  const since = params.get("since");
  const preset = since && since in TIME_PRESETS ? (since as TimePreset) : undefined;
  return {
    states: FLOW_RUN_DISPLAY_STATES.filter((s) => list(params, "state").includes(s)),
    flow: params.get("flow") || undefined,
    deployment: params.get("deployment") || undefined,
    tags: [...new Set(list(params, "tag"))],
    since: preset,
    from: preset ? undefined : isoOrUndefined(params.get("from")),
    until: preset ? undefined : isoOrUndefined(params.get("until")),
  };
}

/** The runs page showing `view` (only what is set appears in the URL). */
export function runsHref(view: Partial<RunsView>): string {
  const params = new URLSearchParams();
  if (view.states?.length) params.set("state", view.states.join(","));
  if (view.flow) params.set("flow", view.flow);
  if (view.deployment) params.set("deployment", view.deployment);
  if (view.tags?.length) params.set("tag", view.tags.join(","));
  if (view.since) params.set("since", view.since);
  else {
    if (view.from) params.set("from", view.from);
    if (view.until) params.set("until", view.until);
  }
  const query = params.toString();
  return query ? `/runs?${query}` : "/runs";
}

export function isFiltered(view: RunsView): boolean {
  return Boolean(
    view.states.length ||
    view.flow ||
    view.deployment ||
    view.tags.length ||
    view.since ||
    view.from ||
    view.until,
  );
}

/** The runs.list input for `view` (the cursor is added by the infinite query). */
export function listInput(view: RunsView, limit: number) {
  return {
    states: view.states.length ? view.states : undefined,
    flow: view.flow,
    deployment: view.deployment,
    tags: view.tags.length ? view.tags : undefined,
    sinceSeconds: view.since ? TIME_PRESETS[view.since].seconds : undefined,
    from: view.from,
    until: view.until,
    limit,
  };
}
