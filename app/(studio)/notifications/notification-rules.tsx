"use client";
// Notification rules: each with its scope, events and (masked) webhook, switched on and off,
// tested, edited and removed by editors; its delivery log opens in a dialog.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { useState } from "react";
import { buttonClass } from "@/app/_components/dialog";
import { PageHeader } from "@/app/_components/page-header";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { useTRPC } from "@/app/_lib/trpc";
import { useCan } from "@/app/_lib/viewer";
import type { NotificationRuleView } from "@/contract/notifications";
import { DeliveryLogDialog } from "./delivery-log";
import { RuleDialog } from "./rule-dialog";

export const eventsText = (r: NotificationRuleView) =>
  r.events
    .map((e) => (e === "longRunning" ? `running > ${r.longerThanMinutes} min` : e))
    .join(", ");

export function NotificationRules() {
  const trpc = useTRPC();
  const canEdit = useCan("edit");
  const rules = useQuery(trpc.notifications.list.queryOptions());
  const [editing, setEditing] = useState<NotificationRuleView | "new" | null>(null);
  const [log, setLog] = useState<NotificationRuleView | null>(null);
  return (
    <>
      <PageHeader
        title="Notifications"
        actions={
          canEdit ? (
            <button
              type="button"
              className={buttonClass("primary")}
              onClick={() => setEditing("new")}
            >
              <Plus className="size-4" aria-hidden /> New rule
            </button>
          ) : null
        }
      />
      <p className="mx-8 mt-4 max-w-3xl text-sm text-zinc-500">
        A rule posts a JSON message with a Slack-compatible <code className="font-mono">text</code>{" "}
        to a webhook when runs of a deployment (or a tag, or every run) fail, crash, complete, are
        cancelled or run too long. A receiver that is down gets it once it is back.
      </p>
      <QueryView
        query={rules}
        what="notification rules"
        empty={{
          title: "No notification rules yet",
          hint: (
            <>
              Add one here, or with{" "}
              <code className="font-mono">pipebook notify add --on failed --url URL</code>.
            </>
          ),
        }}
      >
        {(items) => (
          <DataTable
            label="Notification rules"
            columns={["Name", "Scope", "Events", "Webhook", "On", ""]}
          >
            {items.map((rule) => (
              <RuleRow
                key={rule.id}
                rule={rule}
                onEdit={() => setEditing(rule)}
                onLog={() => setLog(rule)}
              />
            ))}
          </DataTable>
        )}
      </QueryView>
      <RuleDialog
        rule={editing === "new" ? null : editing}
        open={editing !== null}
        onClose={() => setEditing(null)}
      />
      <DeliveryLogDialog rule={log} onClose={() => setLog(null)} />
    </>
  );
}

function RuleRow({
  rule,
  onEdit,
  onLog,
}: {
  rule: NotificationRuleView;
  onEdit: () => void;
  onLog: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canEdit = useCan("edit");
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
  const update = useMutation(trpc.notifications.update.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.notifications.remove.mutationOptions({ onSuccess: refresh }));
  const test = useMutation(
    trpc.notifications.test.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onLog();
      },
    }),
  );
  const failed = update.error ?? remove.error ?? test.error;
  return (
    <tr data-rule={rule.name}>
      <td className="py-2.5 font-medium">{rule.name}</td>
      <td className="py-2.5 text-zinc-600 dark:text-zinc-400">
        {rule.deployment ?? (rule.tag ? `tag ${rule.tag}` : "every run")}
      </td>
      <td className="py-2.5">{eventsText(rule)}</td>
      <td className="max-w-xs truncate py-2.5 font-mono text-xs" title={rule.url}>
        {rule.url}
      </td>
      <td className="py-2.5">
        <input
          type="checkbox"
          aria-label={`${rule.name} on`}
          checked={rule.active}
          disabled={!canEdit || update.isPending}
          onChange={(e) => update.mutate({ id: rule.id, patch: { active: e.target.checked } })}
        />
      </td>
      <td className="py-2.5">
        <div className="flex justify-end gap-2">
          {failed ? (
            <span role="alert" className="self-center text-xs text-red-600">
              {failed.message}
            </span>
          ) : null}
          <button type="button" className={buttonClass()} onClick={onLog}>
            Delivery log
          </button>
          {canEdit ? (
            <>
              <button
                type="button"
                className={buttonClass()}
                disabled={test.isPending}
                onClick={() => test.mutate({ id: rule.id })}
              >
                Send test
              </button>
              <button type="button" className={buttonClass()} onClick={onEdit}>
                Edit
              </button>
              <button
                type="button"
                className={buttonClass("danger")}
                onClick={() => {
                  if (window.confirm(`Remove the rule "${rule.name}" and its delivery log?`))
                    remove.mutate({ id: rule.id });
                }}
              >
                Remove
              </button>
            </>
          ) : null}
        </div>
      </td>
    </tr>
  );
}
