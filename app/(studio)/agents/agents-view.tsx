"use client";
// The agents, kept live: an agent's Online/Offline state and last heartbeat are polled every two
// seconds, so an agent that dies shows Offline within a lease and a refresh.
import { useCan } from "@/app/_lib/viewer";
import { useQuery } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { buttonClass } from "@/app/_components/dialog";
import { PageHeader } from "@/app/_components/page-header";
import { DataTable, QueryView } from "@/app/_components/query-view";
import { StateBadge } from "@/app/_components/state-badge";
import { useTRPC } from "@/app/_lib/trpc";
import type { AgentView } from "@/contract/api-v1";
import { relativeTime } from "@/contract/relative-time";
import { AddAgentDialog } from "./add-agent-dialog";

const COLUMNS = [
  "Agent",
  "State",
  "Last heartbeat",
  "Queues",
  "Tags",
  "Host",
  "Version",
  "Runs in progress",
];

export function AgentsView() {
  const trpc = useTRPC();
  const [all, setAll] = useState(false);
  const [adding, setAdding] = useState(false);
  const canAdmin = useCan("admin");
  const agents = useQuery({
    ...trpc.agents.list.queryOptions({ all }),
    refetchInterval: 2_000,
    // "3 s ago" is measured on the server's clock, which also decides online or offline.
    select: ({ agents, now }) => agents.map((agent) => ({ agent, now })),
  });
  return (
    <>
      <PageHeader
        title="Agents"
        actions={
          <>
            <label className="flex items-center gap-1.5 text-sm text-zinc-600 dark:text-zinc-400">
              <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
              Show agents offline for more than a day
            </label>
            {canAdmin ? (
              <button
                type="button"
                className={buttonClass("primary")}
                onClick={() => setAdding(true)}
              >
                <Plus className="size-4" aria-hidden /> Add agent
              </button>
            ) : null}
          </>
        }
      />
      <QueryView
        query={agents}
        what="agents"
        empty={{
          title: all ? "No agents have registered yet" : "No agents seen in the last day",
          hint: <>Add one: it runs on any machine with Node ≥ 20 that can reach this server.</>,
        }}
      >
        {(items) => (
          <DataTable label="Agents" columns={COLUMNS}>
            {items.map(({ agent, now }) => (
              <AgentRow key={agent.id} agent={agent} now={now} />
            ))}
          </DataTable>
        )}
      </QueryView>
      <AddAgentDialog open={adding} onClose={() => setAdding(false)} />
    </>
  );
}

function AgentRow({ agent, now }: { agent: AgentView; now: string }) {
  const online = agent.state === "online";
  return (
    <tr data-agent={agent.id} className="align-top">
      <td className="py-2.5">
        <span className="font-medium">{agent.name}</span>
        <span className="ml-1.5 font-mono text-xs text-zinc-500" title={agent.id}>
          {agent.id.slice(0, 8)}
        </span>
        <p className="text-xs text-zinc-500">
          started {relativeTime(agent.startedAt, now)}
          {agent.stoppedAt ? `, stopped ${relativeTime(agent.stoppedAt, now)}` : ""}
        </p>
      </td>
      <td className="py-2.5">
        <span
          data-testid="agent-state"
          data-state={agent.state}
          className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${
            online
              ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
              : "bg-zinc-200 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
          }`}
        >
          {online ? "Online" : "Offline"}
        </span>
      </td>
      <td className="py-2.5 tabular-nums text-zinc-600 dark:text-zinc-400" title={agent.lastSeenAt}>
        {relativeTime(agent.lastSeenAt, now)}
      </td>
      <td className="py-2.5 font-mono text-xs">
        {agent.queues.map((q) => (
          <Link key={q} href="/work-queues" className="mr-1.5 hover:underline">
            {q}
          </Link>
        ))}
      </td>
      <td className="py-2.5 font-mono text-xs text-zinc-500">{agent.tags.join(", ") || "—"}</td>
      <td className="py-2.5 text-zinc-600 dark:text-zinc-400">{agent.hostname || "—"}</td>
      <td className="py-2.5 text-zinc-500">{agent.version || "—"}</td>
      <td className="py-2.5">
        <span className="text-xs tabular-nums text-zinc-500">
          {agent.runs.length} of {agent.concurrency}
        </span>
        <ul className="flex flex-col gap-1">
          {agent.runs.map((run) => (
            <li key={run.id} className="flex items-center gap-1.5">
              <StateBadge state={run.state} />
              <Link href={`/runs/${run.id}`} className="hover:underline">
                {run.flow}
                {run.deployment ? `/${run.deployment}` : ""}
              </Link>
            </li>
          ))}
        </ul>
      </td>
    </tr>
  );
}
