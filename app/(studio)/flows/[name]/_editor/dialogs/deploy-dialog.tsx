"use client";
// Deploy: the saved version with a work queue, tags, runner and default parameters (checked with
// the generated form, required ones may be left to each run). Deploying under an existing name
// updates that deployment to this version.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Dialog, inputClass } from "@/app/_components/dialog";
import { ParameterForm } from "@/app/_components/parameter-form";
import { useTRPC } from "@/app/_lib/trpc";
import type { ParameterSchema } from "@/contract/flow-file/schema";

export function DeployDialog(props: {
  open: boolean;
  flow: string;
  version: number;
  parameters: ParameterSchema;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={props.open}
      title={`Deploy ${props.flow} v${props.version}`}
      onClose={props.onClose}
    >
      {props.open ? <DeployForm {...props} /> : null}
    </Dialog>
  );
}

function DeployForm({
  flow,
  parameters,
  onClose,
}: {
  flow: string;
  parameters: ParameterSchema;
  onClose: () => void;
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
  const [runner, setRunner] = useState<"process" | "docker">("process");
  const [image, setImage] = useState("");
  const deploy = useMutation(trpc.deployments.create.mutationOptions());
  const [done, setDone] = useState<string | null>(null);

  if (existing.isPending) return <p className="text-sm text-zinc-500">Loading deployments…</p>;
  const current = {
    name: name ?? latest?.name ?? "default",
    queue: queue ?? latest?.workQueue ?? "default",
    tags: tags ?? latest?.tags.join(", ") ?? "",
  };
  const previous = existing.data?.find((d) => d.name === current.name);

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
          },
          {
            onSuccess: (d) => {
              setDone(`Deployed ${d.flow}/${d.name} (v${d.version}) on queue ${d.workQueue}.`);
              void queryClient.invalidateQueries({ queryKey: trpc.deployments.list.queryKey() });
              setTimeout(onClose, 600);
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
            onChange={(e) => setRunner(e.target.value as "process" | "docker")}
          >
            <option value="process">process (on the agent&apos;s host)</option>
            <option value="docker">docker (in a container)</option>
          </select>
        </label>
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
      </div>
      <h3 className="mt-2 text-sm font-semibold">Default parameters</h3>
      {done ? (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {done}
        </p>
      ) : null}
    </ParameterForm>
  );
}
