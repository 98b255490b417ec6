"use client";
// Adding a schedule: its rule (cron, interval or RRULE) and time zone, optional parameters, and
// the next 10 times it fires — asked of the server as the rule is typed, so what is previewed is
// what the scheduler will do (daylight-saving changes included). Errors say what to fix.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { Alert, buttonClass, inputClass } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";

const KINDS = [
  { kind: "cron", label: "Cron", placeholder: "0 9 * * 1-5" },
  { kind: "interval", label: "Interval", placeholder: "15m" },
  { kind: "rrule", label: "RRULE", placeholder: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9" },
] as const;
type Kind = (typeof KINDS)[number]["kind"];

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const zones = () =>
  typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];

function parseParameters(
  text: string,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> };
    }
    return { ok: false, error: 'parameters: write a JSON object, e.g. {"region": "eu"}' };
  } catch (error) {
    return { ok: false, error: `parameters: not JSON (${(error as Error).message})` };
  }
}

export function ScheduleForm({
  deploymentId,
  onAdded,
}: {
  deploymentId: string;
  onAdded: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>("cron");
  const [rule, setRule] = useState("");
  const [timezone, setTimezone] = useState(browserZone);
  const [parameters, setParameters] = useState("");
  const spec = {
    [kind]: rule.trim(),
    ...(kind === "interval" ? {} : { timezone: timezone.trim() }),
  };
  const typed = useDeferredValue(JSON.stringify(spec));
  const preview = useQuery({
    ...trpc.schedules.preview.queryOptions({ schedule: JSON.parse(typed), count: 10 }),
    enabled: rule.trim() !== "",
    retry: false,
  });
  const create = useMutation(
    trpc.schedules.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.schedules.list.queryFilter({ deploymentId }));
        setRule("");
        onAdded();
      },
    }),
  );
  const params = parseParameters(parameters);

  return (
    <form
      aria-label="Add a schedule"
      className="flex flex-col gap-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        if (!params.ok) return;
        create.mutate({
          deploymentId,
          schedule: { ...spec, active: true, parameters: params.value },
        });
      }}
    >
      <div role="radiogroup" aria-label="Kind" className="flex gap-3">
        {KINDS.map((k) => (
          <label key={k.kind} className="flex items-center gap-1">
            <input
              type="radio"
              name="kind"
              checked={kind === k.kind}
              onChange={() => setKind(k.kind)}
            />
            {k.label}
          </label>
        ))}
      </div>
      <div className="flex gap-2">
        <input
          aria-label="Rule"
          className={`${inputClass} font-mono`}
          placeholder={KINDS.find((k) => k.kind === kind)!.placeholder}
          value={rule}
          onChange={(e) => setRule(e.target.value)}
        />
        {kind === "interval" ? null : (
          <>
            <input
              aria-label="Time zone"
              className={`${inputClass} w-52`}
              list="schedule-time-zones"
              value={timezone}
              onChange={(e) => setTimezone(e.target.value)}
            />
            <datalist id="schedule-time-zones">
              {zones().map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </>
        )}
      </div>
      <textarea
        aria-label="Parameters"
        className={`${inputClass} font-mono`}
        rows={2}
        placeholder={`Parameters over the deployment's defaults (JSON), e.g. {"region": "eu"}`}
        value={parameters}
        onChange={(e) => setParameters(e.target.value)}
      />
      <section aria-label="Next runs" data-testid="schedule-preview" className="min-h-24">
        {!rule.trim() ? (
          <p className="text-zinc-500">Type a rule to see when it runs.</p>
        ) : preview.isError ? (
          <Alert>{preview.error.message}</Alert>
        ) : preview.data ? (
          <>
            <p className="mb-1 text-zinc-500">{preview.data.description}: the next 10 runs</p>
            <ol className="grid grid-cols-2 gap-x-4 font-mono text-xs">
              {preview.data.local.map((t) => (
                <li key={t}>{t}</li>
              ))}
            </ol>
          </>
        ) : (
          <p className="text-zinc-500">…</p>
        )}
      </section>
      {!params.ok ? <Alert>{params.error}</Alert> : null}
      {create.isError ? <Alert>{create.error.message}</Alert> : null}
      <div>
        <button
          type="submit"
          className={buttonClass("primary")}
          disabled={!rule.trim() || !params.ok || create.isPending || preview.isError}
        >
          Add schedule
        </button>
      </div>
    </form>
  );
}
