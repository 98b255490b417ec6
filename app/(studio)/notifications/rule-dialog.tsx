"use client";
// Adding or changing a notification rule. The webhook URL is never shown back whole (it may hold
// a token): editing a rule leaves it as it is unless a new one is typed.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Alert, buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";
import {
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type NotificationRuleView,
} from "@/contract/notifications";

const EVENT_LABELS: Record<NotificationEvent, string> = {
  failed: "Failed",
  crashed: "Crashed",
  completed: "Completed",
  cancelled: "Cancelled",
  longRunning: "Runs longer than…",
};

type Scope = "all" | "deployment" | "tag";

export function RuleDialog({
  rule,
  open,
  onClose,
}: {
  /** The rule to change, or null to add one. */
  rule: NotificationRuleView | null;
  open: boolean;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={open}
      title={rule ? `Edit ${rule.name}` : "New notification rule"}
      onClose={onClose}
    >
      {open ? <RuleForm key={rule?.id ?? "new"} rule={rule} onDone={onClose} /> : null}
    </Dialog>
  );
}

function RuleForm({ rule, onDone }: { rule: NotificationRuleView | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const deployments = useQuery(trpc.deployments.list.queryOptions({}));
  const [name, setName] = useState(rule?.name ?? "");
  const [scope, setScope] = useState<Scope>(
    rule?.deploymentId ? "deployment" : rule?.tag ? "tag" : "all",
  );
  const [deploymentId, setDeploymentId] = useState(rule?.deploymentId ?? "");
  const [tag, setTag] = useState(rule?.tag ?? "");
  const [events, setEvents] = useState<NotificationEvent[]>(rule?.events ?? ["failed", "crashed"]);
  const [minutes, setMinutes] = useState(String(rule?.longerThanMinutes ?? 30));
  const [url, setUrl] = useState("");
  const [active, setActive] = useState(rule?.active ?? true);
  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() });
    onDone();
  };
  const create = useMutation(trpc.notifications.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.notifications.update.mutationOptions({ onSuccess }));
  const error = create.error ?? update.error;

  function submit(e: FormEvent) {
    e.preventDefault();
    const fields = {
      name,
      deploymentId: scope === "deployment" ? deploymentId || null : null,
      tag: scope === "tag" ? tag : null,
      events,
      longerThanMinutes: events.includes("longRunning") ? Number(minutes) : null,
      active,
    };
    if (rule) update.mutate({ id: rule.id, patch: { ...fields, ...(url ? { url } : {}) } });
    else create.mutate({ ...fields, url });
  }

  const toggle = (event: NotificationEvent, on: boolean) =>
    setEvents((now) => (on ? [...now, event] : now.filter((e) => e !== event)));

  return (
    <form className="flex flex-col gap-4" onSubmit={submit}>
      <label className="flex flex-col gap-1 text-sm">
        Name
        <input
          className={inputClass}
          value={name}
          required
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <fieldset className="flex flex-col gap-1 text-sm">
        <legend className="mb-1">Runs</legend>
        {(["all", "deployment", "tag"] as const).map((s) => (
          <label key={s} className="flex items-center gap-2">
            <input type="radio" name="scope" checked={scope === s} onChange={() => setScope(s)} />
            {s === "all"
              ? "Every deployment's runs"
              : s === "deployment"
                ? "Of one deployment"
                : "Of deployments with a tag"}
          </label>
        ))}
        {scope === "deployment" ? (
          <select
            aria-label="Deployment"
            className={inputClass}
            value={deploymentId}
            onChange={(e) => setDeploymentId(e.target.value)}
          >
            <option value="">Choose a deployment…</option>
            {deployments.data?.map((d) => (
              <option key={d.id} value={d.id}>
                {d.flow}/{d.name}
              </option>
            ))}
          </select>
        ) : null}
        {scope === "tag" ? (
          <input
            aria-label="Tag"
            className={inputClass}
            placeholder="db"
            value={tag}
            onChange={(e) => setTag(e.target.value)}
          />
        ) : null}
      </fieldset>
      <fieldset className="flex flex-col gap-1 text-sm">
        <legend className="mb-1">When they…</legend>
        {NOTIFICATION_EVENTS.map((event) => (
          <label key={event} className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={events.includes(event)}
              onChange={(e) => toggle(event, e.target.checked)}
            />
            {EVENT_LABELS[event]}
            {event === "longRunning" && events.includes("longRunning") ? (
              <>
                <input
                  aria-label="Minutes"
                  type="number"
                  min={1}
                  className={`${inputClass} w-20`}
                  value={minutes}
                  onChange={(e) => setMinutes(e.target.value)}
                />
                minutes
              </>
            ) : null}
          </label>
        ))}
      </fieldset>
      <label className="flex flex-col gap-1 text-sm">
        Webhook URL
        <input
          className={`${inputClass} font-mono`}
          type="url"
          value={url}
          required={!rule}
          placeholder={
            rule
              ? `${rule.url} (unchanged unless you type a new one)`
              : "https://hooks.slack.com/services/…"
          }
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
        On
      </label>
      {error ? <Alert>{error.message}</Alert> : null}
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonClass()} onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          className={buttonClass("primary")}
          disabled={create.isPending || update.isPending}
        >
          {rule ? "Save" : "Add rule"}
        </button>
      </div>
    </form>
  );
}
