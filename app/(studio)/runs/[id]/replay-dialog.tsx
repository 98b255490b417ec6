"use client";
// Retry, Retry from failure, Run from here: a new run, linked to this one, that runs again only
// what must run again. The dialog shows the plan for the run's own version and for the flow's
// latest version side by side — which tasks re-run and why, which results are reused and from
// which run — or why a version cannot be replayed, before anything is created.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, buttonClass, Dialog } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";
import type { ReplayKind } from "@/contract/api-v1";

export type ReplayTarget = { kind: ReplayKind; task?: string };

const TITLE: Record<ReplayKind, string> = {
  retry: "Retry the whole run",
  fromFailure: "Retry from failure",
  fromTask: "Run from here",
};

export function ReplayDialog({
  runId,
  runVersion,
  target,
  onClose,
}: {
  runId: string;
  runVersion: number;
  target: ReplayTarget | null;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={target !== null}
      title={target ? `${TITLE[target.kind]}${target.task ? `: ${target.task}` : ""}` : ""}
      onClose={onClose}
      wide
    >
      {target ? (
        <ReplayForm runId={runId} runVersion={runVersion} target={target} onClose={onClose} />
      ) : null}
    </Dialog>
  );
}

function ReplayForm({
  runId,
  runVersion,
  target,
  onClose,
}: {
  runId: string;
  runVersion: number;
  target: ReplayTarget;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const input = (version: "run" | "latest") => ({ id: runId, ...target, version });
  const plans = {
    run: useQuery({ ...trpc.runs.replayPlan.queryOptions(input("run")), retry: false }),
    latest: useQuery({ ...trpc.runs.replayPlan.queryOptions(input("latest")), retry: false }),
  };
  const latestVersion = plans.latest.data?.flowVersion;
  // Fix-and-replay: when the flow has been saved since, a replay from the failure or from a task
  // means the latest version. Retry means the same run again: its own version.
  const [chosen, setChosen] = useState<"run" | "latest" | null>(null);
  const version =
    chosen ??
    (target.kind !== "retry" && latestVersion !== undefined && latestVersion !== runVersion
      ? "latest"
      : "run");
  const plan = plans[version];
  const replay = useMutation(
    trpc.runs.replay.mutationOptions({
      onSuccess: (created) => {
        onClose();
        router.push(`/runs/${created.id}`);
      },
    }),
  );

  return (
    <div className="space-y-4 text-sm" data-testid="replay-dialog">
      <fieldset className="flex flex-wrap gap-4">
        <legend className="mb-1 text-xs font-medium text-zinc-500">Run which version</legend>
        {(["run", "latest"] as const).map((v) => (
          <label key={v} className="flex items-center gap-2">
            <input
              type="radio"
              name="version"
              checked={version === v}
              onChange={() => setChosen(v)}
            />
            {v === "run"
              ? `This run's version (v${runVersion})`
              : `The latest version${latestVersion !== undefined ? ` (v${latestVersion})` : ""}`}
          </label>
        ))}
      </fieldset>

      {plan.isPending ? <p className="text-zinc-500">Planning…</p> : null}
      {plan.isError ? <Alert>{plan.error.message}</Alert> : null}
      {plan.data ? (
        <>
          <p data-testid="replay-summary">
            Runs again: <strong>{plan.data.rerun.length}</strong> task
            {plan.data.rerun.length === 1 ? "" : "s"}; reuses:{" "}
            <strong>{plan.data.reused.length}</strong>
            {plan.data.changedParameters.length
              ? ` (changed parameters: ${plan.data.changedParameters.join(", ")})`
              : ""}
          </p>
          <ul className="max-h-80 divide-y divide-zinc-100 overflow-auto rounded-md border border-zinc-200 text-xs dark:divide-zinc-800 dark:border-zinc-800">
            {plan.data.tasks.map((t) => (
              <li
                key={t.name}
                className="flex items-center gap-3 px-3 py-1.5"
                data-plan-task={t.name}
              >
                <span className="w-40 truncate font-mono">{t.name}</span>
                <span
                  data-action={t.action}
                  className={`rounded-full px-2 py-0.5 font-medium ${
                    t.action === "rerun"
                      ? "bg-blue-100 text-blue-800 dark:bg-blue-950 dark:text-blue-300"
                      : "bg-teal-100 text-teal-800 dark:bg-teal-950 dark:text-teal-300"
                  }`}
                >
                  {t.action === "rerun" ? "runs again" : "reused"}
                </span>
                <span className="truncate text-zinc-600 dark:text-zinc-400">{t.detail}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {replay.error ? <Alert>{replay.error.message}</Alert> : null}
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass("secondary")} onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className={buttonClass("primary")}
          disabled={!plan.data || replay.isPending}
          onClick={() => replay.mutate(input(version))}
        >
          {replay.isPending
            ? "Starting…"
            : `Start the ${target.kind === "retry" ? "retry" : "replay"}`}
        </button>
      </div>
    </div>
  );
}
