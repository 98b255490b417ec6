"use client";
// Deploy: the saved version with a work queue, tags, runner, what its scheduled runs do on overlap
// and after downtime, and default parameters (checked with the generated form, required ones may
// be left to each run). Deploying under an existing name updates that deployment to this version.
// Once deployed, the dialog says so — with why no agent would take its runs yet, if so — shows
// its schedules with the form that adds one (its next runs previewed), and offers Run.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, Play, TriangleAlert } from "lucide-react";
import { useState } from "react";
import { buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { ParameterForm } from "@/app/_components/parameter-form";
import { StudioLink } from "@/app/_components/studio-link";
import { useTRPC } from "@/app/_lib/trpc";
import { DeploymentSchedules } from "@/app/(studio)/deployments/schedules-dialog";
import type { CreateDeploymentResponse } from "@/contract/api-v1";
import type { CatchupPolicy, OverlapPolicy } from "@/contract/schedules";
import type { ParameterSchema } from "@/contract/flow-file/schema";
import { StorageSelect } from "./storage-select";

export function DeployDialog(props: {
  open: boolean;
  flow: string;
  version: number;
  parameters: ParameterSchema;
  onClose: () => void;
  /** Opens the Run dialog: the next step after a deploy. */
  onRun?: () => void;
}) {
  const [deployed, setDeployed] = useState<CreateDeploymentResponse | null>(null);
  const close = () => {
    setDeployed(null);
    props.onClose();
  };
  return (
    <Dialog
      open={props.open}
      title={deployed ? `Deployed ${props.flow}` : `Deploy ${props.flow} v${props.version}`}
      onClose={close}
    >
      {!props.open ? null : deployed ? (
        <Deployed
          deployment={deployed}
          onClose={close}
          onRun={
            props.onRun
              ? () => {
                  setDeployed(null);
                  props.onRun!();
                }
              : undefined
          }
        />
      ) : (
        <DeployForm flow={props.flow} parameters={props.parameters} onDeployed={setDeployed} />
      )}
    </Dialog>
  );
}

function Deployed({
  deployment: d,
  onClose,
  onRun,
}: {
  deployment: CreateDeploymentResponse;
  onClose: () => void;
  onRun?: () => void;
}) {
  return (
    <div className="flex flex-col gap-3 text-sm">
      <p role="status" className="flex items-start gap-2">
        <CircleCheck className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-hidden />
        <span>
          {d.created ? "Deployed" : "Updated"}{" "}
          <span className="font-medium">
            {d.flow}/{d.name}
          </span>{" "}
          (v{d.version}) on queue <span className="font-mono">{d.workQueue}</span>
          {d.tags.length ? ` with tags ${d.tags.join(", ")}` : ""}.
        </span>
      </p>
      {d.warnings.length ? (
        <div
          data-testid="deploy-warnings"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-200"
        >
          <p className="flex items-center gap-1.5 font-medium">
            <TriangleAlert className="size-4" aria-hidden /> Its runs will wait: no agent would take
            them now
          </p>
          <ul className="mt-1 list-disc pl-5">
            {d.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          <p className="mt-1">
            <StudioLink href="/agents" className="underline">
              Add an agent
            </StudioLink>{" "}
            or see the{" "}
            <StudioLink href="/work-queues" className="underline">
              work queues
            </StudioLink>
            .
          </p>
        </div>
      ) : null}
      <section
        aria-label="Schedules"
        className="border-t border-zinc-200 pt-3 dark:border-zinc-800"
      >
        <h3 className="mb-2 text-sm font-semibold">Schedules</h3>
        <DeploymentSchedules deploymentId={d.id} />
      </section>
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass()} onClick={onClose}>
          Done
        </button>
        {onRun ? (
          <button type="button" className={buttonClass("primary")} onClick={onRun} autoFocus>
            <Play className="size-4" aria-hidden /> Run it
          </button>
        ) : null}
      </div>
    </div>
  );
}

function DeployForm({
  flow,
  parameters,
  onDeployed,
}: {
  flow: string;
  parameters: ParameterSchema;
  onDeployed: (deployment: CreateDeploymentResponse) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const existing = useQuery(trpc.deployments.list.queryOptions({ flow }));
  const latest = [...(existing.data ?? [])].sort((a, b) =>
    b.updatedAt.localeCompare(a.updatedAt),
  )[0];
  const [name, setName] = useState<string | null>(null);
  const [queue, setQueue] = useState<string | null>(null);
  const [tags, setTags] = useState<string | null>(null);
  const [runner, setRunner] = useState<"process" | "docker" | "dask">("process");
  const [image, setImage] = useState("");
  const [daskScheduler, setDaskScheduler] = useState("");
  const [overlap, setOverlap] = useState<OverlapPolicy | null>(null);
  const [catchup, setCatchup] = useState<CatchupPolicy | null>(null);
  const [storage, setStorage] = useState<string | null>(null);
  const storages = useQuery(trpc.storages.list.queryOptions());
  const deploy = useMutation(trpc.deployments.create.mutationOptions());

  if (existing.isPending) return <p className="text-sm text-zinc-500">Loading deployments…</p>;
  const current = {
    name: name ?? latest?.name ?? "default",
    queue: queue ?? latest?.workQueue ?? "default",
    tags: tags ?? latest?.tags.join(", ") ?? "",
  };
  const previous = existing.data?.find((d) => d.name === current.name);
  const policies = {
    overlap: overlap ?? previous?.overlap ?? "allow",
    catchup: catchup ?? previous?.catchup ?? "latest",
    catchupMax: previous?.catchupMax ?? 10,
  };
  // "" follows the flow's storage (server/storage/storage-choice.ts); a name pins this deployment.
  const chosenStorage =
    storage ?? (previous?.storageSource === "deployment" ? previous.storage : "");

  return (
    <ParameterForm
      schema={parameters}
      initial={previous?.parameters ?? {}}
      partial
      submitLabel={previous ? "Update deployment" : "Deploy"}
      busy={deploy.isPending}
      serverError={deploy.error?.message ?? null}
      onSubmit={(values) =>
        deploy.mutate(
          {
            flow,
            name: current.name,
            workQueue: current.queue,
            tags: current.tags
              .split(",")
              .map((t) => t.trim())
              .filter(Boolean),
            parameters: values,
            runner,
            ...(runner === "docker" ? { image } : {}),
            ...(runner === "dask" && daskScheduler.trim()
              ? { daskScheduler: daskScheduler.trim() }
              : {}),
            ...policies,
            ...(chosenStorage ? { storage: chosenStorage } : {}),
          },
          {
            onSuccess: (d) => {
              void queryClient.invalidateQueries({ queryKey: trpc.deployments.list.queryKey() });
              onDeployed(d);
            },
          },
        )
      }
    >
      <div className="grid grid-cols-2 gap-3">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Deployment name
          <input
            className={inputClass}
            value={current.name}
            onChange={(e) => setName(e.target.value)}
            list="deployment-names"
          />
          <datalist id="deployment-names">
            {existing.data?.map((d) => (
              <option key={d.id} value={d.name} />
            ))}
          </datalist>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Work queue
          <input
            className={inputClass}
            value={current.queue}
            onChange={(e) => setQueue(e.target.value)}
          />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Tags
          <input
            className={inputClass}
            value={current.tags}
            onChange={(e) => setTags(e.target.value)}
            placeholder="gpu, nightly"
          />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Runner
          <select
            className={inputClass}
            value={runner}
            onChange={(e) => setRunner(e.target.value as "process" | "docker" | "dask")}
          >
            <option value="process">process (on the agent&apos;s host)</option>
            <option value="docker">docker (in a container)</option>
            <option value="dask">dask (Python tasks on a Dask cluster)</option>
          </select>
        </label>
        {runner === "dask" ? (
          <label className="col-span-2 flex flex-col gap-1 text-sm font-medium">
            Dask scheduler
            <input
              className={inputClass}
              value={daskScheduler}
              onChange={(e) => setDaskScheduler(e.target.value)}
              placeholder="tcp://10.0.0.5:8786 (empty: the agent's --dask-scheduler)"
            />
          </label>
        ) : null}
        {runner === "docker" ? (
          <label className="col-span-2 flex flex-col gap-1 text-sm font-medium">
            Image
            <input
              className={inputClass}
              value={image}
              onChange={(e) => setImage(e.target.value)}
              placeholder="python:3.12-slim"
            />
          </label>
        ) : null}
        <StorageSelect
          storages={storages.data}
          value={chosenStorage}
          onChange={setStorage}
          followFlow
        />
        <label className="flex flex-col gap-1 text-sm font-medium">
          When a scheduled run overlaps the previous one
          <select
            className={inputClass}
            value={policies.overlap}
            onChange={(e) => setOverlap(e.target.value as OverlapPolicy)}
          >
            <option value="allow">run both at once</option>
            <option value="skip">skip the new one</option>
            <option value="bufferOne">queue one (it waits)</option>
            <option value="cancelPrevious">cancel the previous one</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium">
          Slots missed while the server was down
          <select
            className={inputClass}
            value={policies.catchup}
            onChange={(e) => setCatchup(e.target.value as CatchupPolicy)}
          >
            <option value="latest">run the latest one</option>
            <option value="skip">skip them</option>
            <option value="all">run them all (up to {policies.catchupMax})</option>
          </select>
        </label>
      </div>
      <h3 className="mt-2 text-sm font-semibold">Default parameters</h3>
    </ParameterForm>
  );
}
