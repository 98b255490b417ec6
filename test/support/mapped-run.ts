// A claimed run of a flow with a mapped task, and a reporter that sends its events through the
// real report path (apply-report.ts) as an agent would: for server tests of what the studio reads
// about items (counts, pages, details, logs), without the executor.
import type { ClaimedRun, ReportEvent, LogBlock } from "../../contract/agent-protocol.ts";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import type { Db } from "../../server/db/client.ts";
import { applyReport } from "../../server/runs/apply-report.ts";
import { createFlowRun } from "../../server/runs/create-flow-run.ts";
import { seedDeployment, uniqueName } from "./seed.ts";
import { testAgent } from "./simulated-agent.ts";

const LEASE_MS = 15_000;

/** `prepare` → `square` mapped over the parameter `xs` → `total` (fan-in). */
export const mappedFlow = (name = uniqueName()): FlowFileInput => ({
  name,
  parameters: {
    type: "object",
    properties: { xs: { type: "array", items: { type: "integer" }, default: [1, 2, 3] } },
  },
  tasks: [
    { name: "prepare", language: "python", code: "def main():\n    return 1\n" },
    {
      name: "square",
      language: "python",
      dependsOn: ["prepare"],
      map: "xs",
      mapConcurrency: 4,
      code: "def main(xs):\n    print('item', xs)\n    return xs * xs\n",
    },
    {
      name: "total",
      language: "python",
      dependsOn: ["square"],
      code: "def main(square):\n    return sum(square)\n",
    },
  ],
});

export async function claimedMappedRun(db: Db, flow: FlowFileInput = mappedFlow()) {
  const queue = uniqueName("q");
  const { deploymentId } = await seedDeployment(db, flow, queue);
  const agent = await testAgent(db, queue);
  await createFlowRun(db, { deploymentId, parameters: {}, leaseMs: LEASE_MS });
  const run = await agent.claim();
  let seq = 0;
  const send = (events: ReportEvent[], logs: LogBlock[] = []) =>
    applyReport(
      db,
      run.flowRunId,
      { leaseId: run.leaseId, seq: ++seq, events, logs },
      { leaseMs: LEASE_MS },
    );
  return { run, send, at: () => new Date().toISOString() };
}

/** The events that announce `count` items of `task` (in events of at most 2,000 previews). */
export function mapEvents(task: string, count: number, preview = (i: number) => String(i)) {
  const events: ReportEvent[] = [];
  for (let from = 0; from < count || (count === 0 && from === 0); from += 2_000) {
    const n = Math.min(2_000, count - from);
    events.push({
      type: "map",
      task,
      at: new Date().toISOString(),
      count,
      from,
      previews: Array.from({ length: n }, (_, k) => preview(from + k)),
    });
    if (count === 0) break;
  }
  return events;
}

export type MappedRun = Awaited<ReturnType<typeof claimedMappedRun>>;
export type { ClaimedRun };
