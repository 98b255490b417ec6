"use client";
// A deployment's schedules: each with its rule, parameters and next run, paused or resumed
// (operators) and removed (editors); and the form that adds one, with its preview (editors).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, buttonClass } from "@/app/_components/dialog";
import { formatTime } from "@/app/_lib/format";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";
import { DeploymentDialog, type DeploymentRef } from "./deployment-dialog";
import { ScheduleForm } from "./schedule-form";

export function SchedulesDialog({
  deployment,
  onClose,
}: {
  deployment: DeploymentRef | null;
  onClose: () => void;
}) {
  return (
    <DeploymentDialog what="Schedules" deployment={deployment} onClose={onClose}>
      {(id) => <DeploymentSchedules deploymentId={id} />}
    </DeploymentDialog>
  );
}

/** The list and the add form; also the last step of the deploy dialog. */
export function DeploymentSchedules({ deploymentId }: { deploymentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canEdit = useCan("edit");
  const canOperate = useCan("operate");
  const list = useQuery(trpc.schedules.list.queryOptions({ deploymentId }));
  const refresh = () =>
    queryClient.invalidateQueries(trpc.schedules.list.queryFilter({ deploymentId }));
  const setActive = useMutation(trpc.schedules.setActive.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.schedules.remove.mutationOptions({ onSuccess: refresh }));
  const failed = setActive.error ?? remove.error;

  return (
    <div className="flex flex-col gap-5">
      {list.isError ? <Alert>Could not load the schedules: {list.error.message}</Alert> : null}
      {list.data?.length === 0 ? (
        <p className="text-sm text-zinc-500">
          No schedule: this deployment runs only when triggered.
        </p>
      ) : null}
      {list.data?.length ? (
        <table className="w-full text-sm" aria-label="Schedules">
          <thead className="text-left text-xs text-zinc-500">
            <tr>
              <th className="py-1">Rule</th>
              <th>Parameters</th>
              <th>Next run</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <tr
                key={s.id}
                data-schedule={s.id}
                data-active={s.active}
                className="border-t border-zinc-100 dark:border-zinc-800"
              >
                <td className="py-2 font-mono text-xs">{s.description}</td>
                <td className="font-mono text-xs">{JSON.stringify(s.parameters)}</td>
                <td data-next-run>{s.active ? formatTime(s.nextRunAt) : "paused"}</td>
                <td className="py-2 text-right whitespace-nowrap">
                  {canOperate ? (
                    <button
                      type="button"
                      className={buttonClass()}
                      onClick={() => setActive.mutate({ id: s.id, active: !s.active })}
                    >
                      {s.active ? "Pause" : "Resume"}
                    </button>
                  ) : null}{" "}
                  {canEdit ? (
                    <button
                      type="button"
                      className={buttonClass("danger")}
                      onClick={() => {
                        if (window.confirm(`Remove the schedule "${s.description}"?`))
                          remove.mutate({ id: s.id });
                      }}
                    >
                      Remove
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {failed ? <Alert>{failed.message}</Alert> : null}
      {canEdit ? (
        <section className="border-t border-zinc-200 pt-4 dark:border-zinc-800">
          <h3 className="mb-2 text-sm font-semibold">Add a schedule</h3>
          <ScheduleForm deploymentId={deploymentId} onAdded={() => undefined} />
        </section>
      ) : null}
    </div>
  );
}
