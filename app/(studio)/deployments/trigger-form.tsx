"use client";
// Adding a trigger: a webhook (its secret URL is shown once, with a copy button and a curl
// example) or a run of another deployment ending in chosen states; optionally a map of where
// each parameter comes from. The server checks the map and refuses cycles; its message is shown.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Alert, buttonClass, inputClass } from "@/app/_components/dialog";
import { copyText } from "@/app/_lib/copy-text";
import { useTRPC } from "@/app/_lib/trpc";
import { TRIGGER_STATES, type TriggerState } from "@/contract/triggers";

type Kind = "webhook" | "runCompletion";

/** "count=/n" lines → { count: "/n" }, or the first line that is not PARAMETER=SOURCE. */
function parseMap(
  text: string,
): { ok: true; map: Record<string, string> } | { ok: false; error: string } {
  const map: Record<string, string> = {};
  for (const line of text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)) {
    const eq = line.indexOf("=");
    if (eq <= 0) return { ok: false, error: `map: "${line}" is not PARAMETER=SOURCE` };
    map[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { ok: true, map };
}

export function TriggerForm({ deploymentId }: { deploymentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>("webhook");
  const [name, setName] = useState("");
  const [source, setSource] = useState("");
  const [states, setStates] = useState<TriggerState[]>(["Completed"]);
  const [mapText, setMapText] = useState("");
  const deployments = useQuery(trpc.deployments.list.queryOptions());
  const create = useMutation(
    trpc.triggers.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries(trpc.triggers.list.queryFilter({ deploymentId }));
        setName("");
        setMapText("");
      },
    }),
  );
  const parsed = parseMap(mapText);
  const others = (deployments.data ?? []).filter((d) => d.id !== deploymentId);
  const ready =
    name.trim() !== "" && parsed.ok && (kind === "webhook" || source !== "") && states.length > 0;

  return (
    <div className="flex flex-col gap-3">
      <form
        aria-label="Add a trigger"
        className="flex flex-col gap-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          if (!parsed.ok) return;
          create.mutate({
            deploymentId,
            trigger:
              kind === "webhook"
                ? { name: name.trim(), kind, active: true, map: parsed.map }
                : {
                    name: name.trim(),
                    kind,
                    active: true,
                    map: parsed.map,
                    sourceDeploymentId: source,
                    states,
                  },
          });
        }}
      >
        <div role="radiogroup" aria-label="Fires on" className="flex gap-3">
          {(
            [
              ["webhook", "A webhook call"],
              ["runCompletion", "The end of another deployment's run"],
            ] as const
          ).map(([k, label]) => (
            <label key={k} className="flex items-center gap-1">
              <input
                type="radio"
                name="trigger-kind"
                checked={kind === k}
                onChange={() => setKind(k)}
              />
              {label}
            </label>
          ))}
        </div>
        <input
          aria-label="Name"
          className={inputClass}
          placeholder={kind === "webhook" ? "github-push" : "after-extract"}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        {kind === "runCompletion" ? (
          <div className="flex flex-wrap items-center gap-3">
            <select
              aria-label="Source deployment"
              className={`${inputClass} w-auto`}
              value={source}
              onChange={(e) => setSource(e.target.value)}
            >
              <option value="">Deployment whose runs it watches…</option>
              {others.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.flow}/{d.name}
                </option>
              ))}
            </select>
            {TRIGGER_STATES.map((s) => (
              <label key={s} className="flex items-center gap-1">
                <input
                  type="checkbox"
                  checked={states.includes(s)}
                  onChange={(e) =>
                    setStates(e.target.checked ? [...states, s] : states.filter((x) => x !== s))
                  }
                />
                {s}
              </label>
            ))}
          </div>
        ) : null}
        <textarea
          aria-label="Parameter map"
          className={`${inputClass} font-mono`}
          rows={2}
          placeholder={
            kind === "webhook"
              ? "Optional, one per line: count=/pull_request/commits (JSON pointers into the body). Empty: the body is the parameters"
              : "Optional, one per line: count=extract/count, region=parameters/region (a task's result, a part of it, or a parameter)"
          }
          value={mapText}
          onChange={(e) => setMapText(e.target.value)}
        />
        {!parsed.ok ? <Alert>{parsed.error}</Alert> : null}
        {create.isError ? <Alert>{create.error.message}</Alert> : null}
        <div>
          <button
            type="submit"
            className={buttonClass("primary")}
            disabled={!ready || create.isPending}
          >
            Add trigger
          </button>
        </div>
      </form>
      {create.data?.path ? (
        <WebhookUrl name={create.data.trigger.name} path={create.data.path} />
      ) : null}
    </div>
  );
}

/** A new webhook's URL, shown this once, with a copy button and a curl example. */
export function WebhookUrl({ name, path }: { name: string; path: string }) {
  const url = `${window.location.origin}${path}`;
  const [copied, setCopied] = useState(false);
  const line = useRef<HTMLElement>(null);
  async function copy() {
    setCopied(await copyText(url, line.current));
  }
  return (
    <section
      aria-label="Webhook URL"
      className="flex flex-col gap-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950"
    >
      <p>
        The URL of <strong>{name}</strong>. It is shown only now: copy it (Rotate makes a new one).
      </p>
      <div className="flex items-center gap-2">
        <code ref={line} data-testid="webhook-url" className="font-mono text-xs break-all">
          {url}
        </code>
        <button type="button" className={buttonClass()} onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
      <pre className="font-mono text-xs whitespace-pre-wrap">
        {`curl -X POST -H 'content-type: application/json' -d '{}' '${url}'`}
      </pre>
    </section>
  );
}
