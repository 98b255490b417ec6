"use client";
// Run: a deployment of the flow, the form its parameters generate (deployment defaults filled
// in), validated before anything is sent; then the browser follows the run. Opened by the flow
// editor and by the deployments page (which names the deployment to start with).
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { ParameterForm } from "@/app/_components/parameter-form";
import { useTRPC } from "@/app/_lib/trpc";
import type { ParameterSchema } from "@/contract/flow-file/schema";

export function RunDialog(props: {
  open: boolean;
  flow: string;
  /** The deployment chosen at first (default: the flow's most recently updated one). */
  deploymentId?: string;
  onClose: () => void;
  onDeploy: () => void;
  onStarted: (runId: string) => void;
}) {
  return (
    <Dialog open={props.open} title={`Run ${props.flow}`} onClose={props.onClose}>
      {props.open ? <RunForm {...props} /> : null}
    </Dialog>
  );
}

function RunForm({
  flow,
  deploymentId,
  onDeploy,
  onStarted,
}: {
  flow: string;
  deploymentId?: string;
  onDeploy: () => void;
  onStarted: (id: string) => void;
}) {
  const trpc = useTRPC();
  const deployments = useQuery(trpc.deployments.list.queryOptions({ flow }));
  const [chosen, setChosen] = useState<string | null>(deploymentId ?? null);
  const [refreshCaches, setRefreshCaches] = useState(false);
  const start = useMutation(trpc.runs.create.mutationOptions());

  if (deployments.isPending) return <p className="text-sm text-zinc-500">Loading deployments…</p>;
  const list = deployments.data ?? [];
  if (list.length === 0) {
    return (
      <div className="flex flex-col items-start gap-3 text-sm">
        <p>
          Runs start from a deployment (a saved version with its work queue and defaults). This flow
          has none yet.
        </p>
        <button type="button" className={buttonClass("primary")} onClick={onDeploy}>
          Deploy it
        </button>
      </div>
    );
  }
  const newestFirst = [...list].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const deployment = list.find((d) => d.id === chosen) ?? newestFirst[0]!;
  return (
    <ParameterForm
      key={deployment.id}
      // The deployment's own version's schema: it may be older than the editor's.
      schema={deployment.parameterSchema as ParameterSchema}
      initial={deployment.parameters}
      submitLabel="Start run"
      busy={start.isPending}
      serverError={start.error?.message ?? null}
      onSubmit={(values) =>
        start.mutate(
          { deploymentId: deployment.id, parameters: values, refreshCaches },
          { onSuccess: (run) => onStarted(run.id) },
        )
      }
    >
      <label className="flex flex-col gap-1 text-sm font-medium">
        Deployment
        <select
          className={inputClass}
          value={deployment.id}
          onChange={(e) => setChosen(e.target.value)}
        >
          {newestFirst.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} (v{d.version}, queue {d.workQueue})
            </option>
          ))}
        </select>
      </label>
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-1"
          checked={refreshCaches}
          onChange={(e) => setRefreshCaches(e.target.checked)}
        />
        <span>
          Refresh caches
          <span className="block text-xs text-zinc-500">
            Tasks with a cache policy run again instead of reusing cached results; their fresh
            results become the cache.
          </span>
        </span>
      </label>
    </ParameterForm>
  );
}
