"use client";
// "Add agent": pick the queues and tags, create an agent key for those queues, and get the one
// line that downloads this server's agent and starts it on another machine (it needs only
// Node ≥ 20 and to reach this server). The key travels in the environment, not as an argument:
// other users of that machine can read a process's arguments, not its environment.
import { useMutation, useQuery } from "@tanstack/react-query";
import { Check, Copy } from "lucide-react";
import { useRef, useState } from "react";
import { buttonClass, Dialog, inputClass } from "@/app/_components/dialog";
import { useTRPC } from "@/app/_lib/trpc";
import { copyText } from "@/app/_lib/copy-text";

// Shown until a key is created; plain letters, so the line still parses in any shell (`<KEY>`
// would be read as a redirection).
export const AGENT_KEY_PLACEHOLDER = "CREATE_A_KEY_FIRST";

/** The command a remote machine runs (agent/config.ts has every option). */
export function agentStartCommand(
  origin: string,
  queues: string[],
  tags: string[],
  key: string = AGENT_KEY_PLACEHOLDER,
): string {
  return [
    `curl -fsSLO ${origin}/agent/pipebook-agent.mjs &&`,
    `PIPEBOOK_API_KEY=${key} node pipebook-agent.mjs start --api-url ${origin}`,
    `--queue ${queues.join(",")}`,
    ...(tags.length ? [`--tags ${tags.join(",")}`] : []),
  ].join(" ");
}

const words = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter(Boolean);

export function AddAgentDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title="Add an agent" onClose={onClose} wide>
      {open ? <AddAgentForm /> : null}
    </Dialog>
  );
}

function AddAgentForm() {
  const trpc = useTRPC();
  const queues = useQuery(trpc.queues.list.queryOptions());
  const known = queues.data?.map((q) => q.name) ?? [];
  const [picked, setPicked] = useState<ReadonlySet<string> | null>(null);
  const [other, setOther] = useState("");
  const [tags, setTags] = useState("");
  const [copied, setCopied] = useState(false);
  const createKey = useMutation(trpc.apiKeys.create.mutationOptions());
  // A key serves the queues it was made for: changing them asks for a new key.
  const [made, setMade] = useState<{ key: string; queues: string } | null>(null);

  // Until the user picks: "default" if there is one, else the first queue.
  const chosen = picked ?? new Set(known.includes("default") ? ["default"] : known.slice(0, 1));
  const queueList = [...new Set([...known.filter((q) => chosen.has(q)), ...words(other)])];
  const key = made && made.queues === queueList.join(",") ? made.key : undefined;
  const command = agentStartCommand(
    window.location.origin,
    queueList,
    [...new Set(words(tags))],
    key,
  );
  const toggle = (name: string) => {
    const next = new Set(chosen);
    if (!next.delete(name)) next.add(name);
    setPicked(next);
    setCopied(false);
  };
  function makeKey() {
    createKey.mutate(
      {
        kind: "agent",
        name: `agent on ${queueList.join(", ")}`.slice(0, 100),
        queues: queueList,
      },
      { onSuccess: (answer) => setMade({ key: answer.key, queues: queueList.join(",") }) },
    );
  }

  const line = useRef<HTMLPreElement>(null);
  async function copy() {
    setCopied(await copyText(command, line.current));
  }

  return (
    <div className="flex flex-col gap-4 text-sm">
      <p>
        An agent runs on any machine with Node ≥ 20 (and <code>python3</code> for Python tasks,{" "}
        <code>bash</code> for shell tasks). It only opens connections to this server, which must be
        reachable at the address below.
      </p>
      <fieldset className="flex flex-col gap-1.5">
        <legend className="mb-1 font-medium">Work queues it serves</legend>
        {queues.isPending ? <p className="text-zinc-500">Loading work queues…</p> : null}
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {known.map((name) => (
            <label key={name} className="flex items-center gap-1.5 font-mono">
              <input type="checkbox" checked={chosen.has(name)} onChange={() => toggle(name)} />
              {name}
            </label>
          ))}
        </div>
        <label className="mt-1 flex flex-col gap-1">
          <span className="text-zinc-600 dark:text-zinc-400">Other queues (comma-separated)</span>
          <input
            className={inputClass}
            value={other}
            onChange={(e) => {
              setOther(e.target.value);
              setCopied(false);
            }}
            placeholder="gpu-jobs"
          />
        </label>
      </fieldset>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Tags it carries</span>
        <input
          className={inputClass}
          value={tags}
          onChange={(e) => {
            setTags(e.target.value);
            setCopied(false);
          }}
          placeholder="gpu, big-memory"
        />
        <span className="text-xs text-zinc-500">
          A deployment with tags runs only on agents that carry all of them.
        </span>
      </label>
      <div className="flex flex-col gap-1.5">
        <span className="font-medium">Run this on the machine</span>
        {queueList.length === 0 ? (
          <p role="alert" className="text-red-600">
            Pick at least one work queue.
          </p>
        ) : !key ? (
          <div className="flex flex-col items-start gap-1.5">
            <button
              type="button"
              className={buttonClass("primary")}
              disabled={createKey.isPending}
              onClick={makeKey}
            >
              Create an agent key for {queueList.join(", ")}
            </button>
            <span className="text-xs text-zinc-500">
              The key lets a machine claim and run the runs of these queues, nothing else. It is
              shown once; revoke it on the API keys page.
            </span>
            {createKey.error ? (
              <p role="alert" className="text-red-600">
                {createKey.error.message}
              </p>
            ) : null}
          </div>
        ) : (
          <div className="flex items-start gap-2">
            <pre
              ref={line}
              data-testid="agent-command"
              className="min-w-0 flex-1 whitespace-pre-wrap break-all rounded-md bg-zinc-900 px-3 py-2 font-mono text-xs text-zinc-100"
            >
              {command}
            </pre>
            <button type="button" className={buttonClass()} onClick={() => void copy()}>
              {copied ? (
                <Check className="size-4" aria-hidden />
              ) : (
                <Copy className="size-4" aria-hidden />
              )}
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        )}
        <p className="text-xs text-zinc-500">
          The key is shown only now. To keep it out of shell history, put it in a file readable only
          by the agent&apos;s user and start with <code>--api-key-file FILE</code>. Add{" "}
          <code>--concurrency N</code> to bound the runs it takes at once (default 4);{" "}
          <code>node pipebook-agent.mjs --help</code> lists every option.
        </p>
      </div>
    </div>
  );
}
