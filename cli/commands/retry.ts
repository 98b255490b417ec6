// `pipebook retry RUN`: replay a finished run — whole (Retry), from its failure, or from a task —
// as a new run that reuses the results that are still valid; optionally following it.
import {
  ReplayPlanSchema,
  ReplayResponseSchema,
  type ReplayKind,
  type ReplayPlanView,
} from "../../contract/api-v1.ts";
import type { ApiClient } from "../api-client.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";
import { watchFlowRun } from "./watch.ts";

const PATHS: Record<ReplayKind, string> = {
  retry: "retry",
  fromFailure: "retry-from-failure",
  fromTask: "run-from-task",
};

const TITLES: Record<ReplayKind, string> = {
  retry: "Retry",
  fromFailure: "Retry from failure",
  fromTask: "Run from here",
};

export const retryCommand = defineCommand({
  name: "retry",
  operands: "RUN",
  arity: { min: 1, max: 1 },
  summary: "replay a finished run: whole, from its failure, or from a task",
  help: `Replays the finished flow run RUN (its id) as a new run of the same deployment, linked to
it. Without options every task runs again (Retry). Tasks whose results are still valid are not
run again: they are Cached in the new run, with the result of the run that produced it.

Options:
  --from-failure       run again only what did not complete (Failed, Crashed, Cancelled,
                       NotRun), what is new or changed in the version, and their downstream
  --from-task TASK     run TASK and everything downstream of it again (Run from here)
  --latest             use the flow's latest version (after fixing a cell), not the run's own
  --dry-run            print what would run again and what would be reused; create nothing
  --watch              follow the new run until it ends; exit 0 only if it Completed`,
  options: {
    "from-failure": { type: "boolean", default: false },
    "from-task": { type: "string" },
    latest: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
    watch: { type: "boolean", default: false },
  },
  run: ({ api, values, positionals }) => {
    if (values["from-failure"] && values["from-task"] !== undefined) {
      throw new CliError("--from-failure and --from-task exclude each other: choose one", 2);
    }
    if (values["dry-run"] && values.watch) {
      throw new CliError("--dry-run creates no run, so there is nothing to --watch", 2);
    }
    const kind: ReplayKind = values["from-failure"]
      ? "fromFailure"
      : values["from-task"] !== undefined
        ? "fromTask"
        : "retry";
    return replay(api(), positionals[0]!, {
      kind,
      task: values["from-task"],
      version: values.latest ? "latest" : "run",
      dryRun: values["dry-run"],
      watch: values.watch,
      json: values.json,
    });
  },
});

async function replay(
  api: ApiClient,
  runId: string,
  o: {
    kind: ReplayKind;
    task?: string;
    version: "run" | "latest";
    dryRun: boolean;
    watch: boolean;
    json: boolean;
  },
): Promise<number> {
  const id = encodeURIComponent(runId);
  if (o.dryRun) {
    const plan = await api.request(`/api/v1/flow-runs/${id}/replay-plan`, ReplayPlanSchema, {
      query: { kind: o.kind, task: o.task, version: o.version },
    });
    if (!plan.ok) throw new CliError(`cannot replay run ${runId}: ${plan.error}`);
    if (o.json) sayJson(plan.data);
    else {
      printPlan(plan.data);
      say("Nothing was created (--dry-run).");
    }
    return 0;
  }
  const body =
    o.kind === "fromTask" ? { task: o.task, version: o.version } : { version: o.version };
  const created = await api.post(
    `/api/v1/flow-runs/${id}/${PATHS[o.kind]}`,
    ReplayResponseSchema,
    body,
  );
  if (!created.ok) throw new CliError(`cannot replay run ${runId}: ${created.error}`);
  const run = created.data;
  if (o.json && !o.watch) {
    sayJson(run);
    return 0;
  }
  printPlan(run);
  say(`Created flow run ${run.id} (${run.state})`);
  if (!o.watch) return 0;
  return (await watchFlowRun(api, run.id)) === "Completed" ? 0 : 1;
}

const short = (id: string) => id.slice(0, 8);

/**
 * "re-runs: b (2 of 10 items), c; reuses: a (from run 1a2b3c4d)", then why each task runs again.
 */
export function printPlan(plan: ReplayPlanView): void {
  const { replayOf, sourceFlowVersion, flowVersion } = plan;
  const from = replayOf.task ? ` "${replayOf.task}"` : "";
  const version =
    flowVersion === sourceFlowVersion
      ? `v${flowVersion}`
      : `v${flowVersion} (the run used v${sourceFlowVersion})`;
  say(`${TITLES[replayOf.kind]}${from} of run ${replayOf.id} on ${version}`);
  const reused = plan.reused.map((r) => `${r.task} (from run ${short(r.fromRun)})`);
  // A mapped task that keeps its completed items re-runs only the others.
  const rerun = plan.tasks.flatMap((t) =>
    t.action !== "rerun"
      ? []
      : t.items
        ? [`${t.name} (${t.items.rerun} of ${t.items.rerun + t.items.reuse} items)`]
        : [t.name],
  );
  say(`re-runs: ${rerun.join(", ") || "nothing"}; reuses: ${reused.join(", ") || "nothing"}`);
  const width = Math.max(0, ...plan.rerun.map((name) => name.length)) + 2;
  for (const task of plan.tasks) {
    if (task.action === "rerun") say(`  ${task.name.padEnd(width)}${task.detail}`);
  }
}
