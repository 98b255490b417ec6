"use client";
// A deployment's triggers: each with what fires it, its parameter map, its last firing and its
// recent firings (the runs they started, or why they could not); switched on and off, its
// webhook URL rotated, removed (editors); and the form that adds one (editors).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useState } from "react";
import { Alert, buttonClass } from "@/app/_components/dialog";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";
import { DeploymentDialog, type DeploymentRef } from "./deployment-dialog";
import { TriggerForm, WebhookUrl } from "./trigger-form";

export function TriggersDialog({
  deployment,
  onClose,
}: {
  deployment: DeploymentRef | null;
  onClose: () => void;
}) {
  return (
    <DeploymentDialog what="Triggers" deployment={deployment} onClose={onClose}>
      {(id) => <Triggers deploymentId={id} />}
    </DeploymentDialog>
  );
}

function Triggers({ deploymentId }: { deploymentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canEdit = useCan("edit");
  const [open, setOpen] = useState<string | null>(null);
  // Firings come on their own (a webhook call, another run's end): refresh while shown.
  const list = useQuery({
    ...trpc.triggers.list.queryOptions({ deploymentId }),
    refetchInterval: 3_000,
  });
  const refresh = () =>
    queryClient.invalidateQueries(trpc.triggers.list.queryFilter({ deploymentId }));
  const update = useMutation(trpc.triggers.update.mutationOptions({ onSuccess: refresh }));
  const rotate = useMutation(trpc.triggers.rotate.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.triggers.remove.mutationOptions({ onSuccess: refresh }));
  const failed = update.error ?? rotate.error ?? remove.error;

  return (
    <div className="flex flex-col gap-5">
      {list.isError ? <Alert>Could not load the triggers: {list.error.message}</Alert> : null}
      {list.data?.length === 0 ? (
        <p className="text-sm text-zinc-500">
          No trigger: this deployment runs when someone runs it, or on its schedules.
        </p>
      ) : null}
      {list.data?.length ? (
        <table className="w-full text-sm" aria-label="Triggers">
          <thead className="text-left text-xs text-zinc-500">
            <tr>
              <th className="py-1">Name</th>
              <th>Fires on</th>
              <th>Map</th>
              <th>Last firing</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((t) => (
              <Fragment key={t.id}>
                <tr
                  data-trigger={t.name}
                  data-active={t.active}
                  className="border-t border-zinc-100 dark:border-zinc-800"
                >
                  <td className="py-2 font-medium">{t.name}</td>
                  <td className="font-mono text-xs">{t.description}</td>
                  <td className="font-mono text-xs">{JSON.stringify(t.map)}</td>
                  <td data-last-firing className="text-xs">
                    {t.lastFiring ? (
                      <button
                        type="button"
                        className="text-left hover:underline"
                        onClick={() => setOpen(open === t.id ? null : t.id)}
                      >
                        {formatTime(t.lastFiring.at)}{" "}
                        {t.lastFiring.error ? (
                          <span className="text-red-600">failed</span>
                        ) : (
                          "started a run"
                        )}
                      </button>
                    ) : (
                      <span className="text-zinc-500">never</span>
                    )}
                  </td>
                  <td className="py-2 text-right whitespace-nowrap">
                    {canEdit ? (
                      <>
                        <button
                          type="button"
                          className={buttonClass()}
                          onClick={() => update.mutate({ id: t.id, patch: { active: !t.active } })}
                        >
                          {t.active ? "Turn off" : "Turn on"}
                        </button>{" "}
                        {t.kind === "webhook" ? (
                          <button
                            type="button"
                            className={buttonClass()}
                            onClick={() => {
                              if (
                                window.confirm(
                                  `Make a new URL for "${t.name}"? The old one stops working.`,
                                )
                              )
                                rotate.mutate({ id: t.id });
                            }}
                          >
                            Rotate URL
                          </button>
                        ) : null}{" "}
                        <button
                          type="button"
                          className={buttonClass("danger")}
                          onClick={() => {
                            if (window.confirm(`Remove the trigger "${t.name}"?`))
                              remove.mutate({ id: t.id });
                          }}
                        >
                          Remove
                        </button>
                      </>
                    ) : null}
                  </td>
                </tr>
                {open === t.id ? (
                  <tr>
                    <td colSpan={5} className="pb-3">
                      <Firings id={t.id} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      ) : null}
      {rotate.data?.path ? (
        <WebhookUrl name={rotate.data.trigger.name} path={rotate.data.path} />
      ) : null}
      {failed ? <Alert>{failed.message}</Alert> : null}
      {canEdit ? (
        <section className="border-t border-zinc-200 pt-4 dark:border-zinc-800">
          <h3 className="mb-2 text-sm font-semibold">Add a trigger</h3>
          <TriggerForm deploymentId={deploymentId} />
        </section>
      ) : null}
    </div>
  );
}

function Firings({ id }: { id: string }) {
  const trpc = useTRPC();
  const firings = useQuery({
    ...trpc.triggers.firings.queryOptions({ id }),
    refetchInterval: 3_000,
  });
  if (firings.isError) return <Alert>Could not load the firings: {firings.error.message}</Alert>;
  return (
    <ol aria-label="Recent firings" className="flex flex-col gap-1 text-xs">
      {firings.data?.map((f) => (
        <li key={f.id} data-firing className="flex gap-3">
          <span className="text-zinc-500">{formatTime(f.at)}</span>
          {f.sourceRunId ? (
            <Link href={`/runs/${f.sourceRunId}`} className="hover:underline">
              after run {f.sourceRunId.slice(0, 8)}
            </Link>
          ) : (
            <span>webhook call</span>
          )}
          {f.runId ? (
            <Link href={`/runs/${f.runId}`} className="text-indigo-600 hover:underline">
              started run {f.runId.slice(0, 8)}
            </Link>
          ) : (
            <span className="text-red-600">{f.error}</span>
          )}
        </li>
      ))}
    </ol>
  );
}
