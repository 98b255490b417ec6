"use client";
// Settings → Retention: how long logs and results are kept, globally and per deployment (a
// deployment's own limit wins), and the last pass — when, and how much it deleted — with Run now.
// Admins change them; everyone else reads them.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Alert, buttonClass, inputClass } from "@/app/_components/dialog";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";
import type { RetentionView } from "@/contract/api-v1";
import { RetentionForm, type Limits } from "./retention-form";

export function RetentionSection() {
  const trpc = useTRPC();
  const canEdit = useCan("admin");
  const queryClient = useQueryClient();
  const retention = useQuery(trpc.retention.get.queryOptions());
  const saved = (data: RetentionView) =>
    queryClient.setQueryData(trpc.retention.get.queryKey(), data);
  const setGlobal = useMutation(trpc.retention.setGlobal.mutationOptions({ onSuccess: saved }));
  const setDeployment = useMutation(
    trpc.retention.setDeployment.mutationOptions({ onSuccess: saved }),
  );
  const runNow = useMutation(trpc.retention.runNow.mutationOptions({ onSuccess: saved }));
  const data = retention.data;
  const error = setGlobal.error ?? setDeployment.error ?? runNow.error;

  return (
    <section aria-label="Retention" className="mx-8 mt-4 flex max-w-3xl flex-col gap-4">
      <div>
        <h2 className="text-base font-semibold">Retention</h2>
        <p className="text-xs text-zinc-500">
          Older data is deleted by an hourly pass: a finished run&apos;s logs some days after it
          ended, task results some days after they were made — never a result that a live cache
          entry still answers with, nor one of a run in progress. Empty keeps data forever.
        </p>
      </div>
      {retention.isError ? (
        <Alert>Could not load retention: {retention.error.message}</Alert>
      ) : null}
      {error ? <Alert>{error.message}</Alert> : null}
      {data ? (
        <>
          <RetentionForm
            key={`global:${data.global.logsDays}:${data.global.resultsDays}:${data.global.artifactsDays}`}
            name="Global retention"
            initial={data.global}
            emptyMeans="forever"
            canEdit={canEdit}
            busy={setGlobal.isPending}
            onSave={(limits) => setGlobal.mutate(limits)}
          />
          {setGlobal.isSuccess ? (
            <p role="status" className="text-sm text-green-700 dark:text-green-400">
              Saved.
            </p>
          ) : null}
          <DeploymentLimits
            data={data}
            canEdit={canEdit}
            busy={setDeployment.isPending}
            onSave={(deploymentId, limits) => setDeployment.mutate({ deploymentId, ...limits })}
          />
          <LastPass
            data={data}
            canEdit={canEdit}
            running={runNow.isPending}
            onRun={() => runNow.mutate()}
          />
        </>
      ) : null}
    </section>
  );
}

function DeploymentLimits({
  data,
  canEdit,
  busy,
  onSave,
}: {
  data: RetentionView;
  canEdit: boolean;
  busy: boolean;
  onSave: (deploymentId: string, limits: Limits) => void;
}) {
  const trpc = useTRPC();
  const deployments = useQuery({ ...trpc.deployments.list.queryOptions({}), enabled: canEdit });
  const [adding, setAdding] = useState("");
  const own = new Set(data.deployments.map((d) => d.deploymentId));
  const choices = (deployments.data ?? []).filter((d) => !own.has(d.id));
  return (
    <div className="flex flex-col gap-3">
      <h3 className="text-sm font-semibold">Per deployment</h3>
      {data.deployments.length === 0 ? (
        <p className="text-sm text-zinc-500">Every deployment follows the global limits.</p>
      ) : null}
      {data.deployments.map((d) => (
        <div key={d.deploymentId} data-deployment={`${d.flow}/${d.deployment}`}>
          <p className="font-mono text-sm">
            {d.flow}/{d.deployment}
          </p>
          <RetentionForm
            key={`${d.deploymentId}:${d.logsDays}:${d.resultsDays}:${d.artifactsDays}`}
            name={`Retention of ${d.flow}/${d.deployment}`}
            initial={d}
            emptyMeans="as global"
            canEdit={canEdit}
            busy={busy}
            onSave={(limits) => onSave(d.deploymentId, limits)}
          />
        </div>
      ))}
      {canEdit && choices.length ? (
        <label className="flex max-w-sm flex-col gap-1 text-sm">
          Give a deployment its own limits (results kept 30 days to start; change them above)
          <select
            className={inputClass}
            value={adding}
            onChange={(e) => {
              setAdding("");
              if (e.target.value)
                onSave(e.target.value, { logsDays: null, resultsDays: 30, artifactsDays: null });
            }}
          >
            <option value="">Choose a deployment…</option>
            {choices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.flow}/{d.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </div>
  );
}

function LastPass({
  data,
  canEdit,
  running,
  onRun,
}: {
  data: RetentionView;
  canEdit: boolean;
  running: boolean;
  onRun: () => void;
}) {
  const pass = data.lastPass;
  return (
    <div className="flex flex-col gap-2" data-testid="last-pass">
      <h3 className="text-sm font-semibold">Last pass</h3>
      <p className="text-sm">
        {!pass
          ? "No pass yet."
          : pass.endedAt === null
            ? `Under way since ${formatTime(pass.startedAt)}.`
            : `${formatTime(pass.endedAt)}: deleted ${pass.logLinesDeleted.toLocaleString()} log line(s) and ${pass.resultsDeleted.toLocaleString()} result(s); ${pass.artifactsDeleted.toLocaleString()} artifact(s).`}
        {pass?.error ? <span className="text-red-700"> It failed: {pass.error}</span> : null}
      </p>
      {canEdit ? (
        <button
          type="button"
          className={`${buttonClass()} self-start`}
          disabled={running}
          onClick={onRun}
        >
          {running ? "Running…" : "Run now"}
        </button>
      ) : null}
    </div>
  );
}
