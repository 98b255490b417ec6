// A stored trigger as the API shows it: its source by name, its last firing, its rule in words.
import type { TriggerState, TriggerView } from "../../contract/triggers.ts";

/** What every read of a trigger selects, so every view has what it needs. */
export const TRIGGER_SELECT = {
  id: true,
  deploymentId: true,
  name: true,
  kind: true,
  active: true,
  parameterMap: true,
  tokenPrefix: true,
  sourceDeploymentId: true,
  onStates: true,
  createdAt: true,
  updatedAt: true,
  sourceDeployment: { select: { name: true, flow: { select: { name: true } } } },
  firings: {
    orderBy: { at: "desc" },
    take: 1,
    select: { at: true, runId: true, error: true },
  },
} as const;

export type TriggerRow = {
  id: string;
  deploymentId: string;
  name: string;
  kind: "webhook" | "runCompletion";
  active: boolean;
  parameterMap: unknown;
  tokenPrefix: string | null;
  sourceDeploymentId: string | null;
  onStates: string[];
  createdAt: Date;
  updatedAt: Date;
  sourceDeployment: { name: string; flow: { name: string } } | null;
  firings: { at: Date; runId: string | null; error: string | null }[];
};

export const deploymentLabel = (d: { name: string; flow: { name: string } }) =>
  `${d.flow.name}/${d.name}`;

export function triggerView(row: TriggerRow): TriggerView {
  const source =
    row.sourceDeploymentId && row.sourceDeployment
      ? { id: row.sourceDeploymentId, label: deploymentLabel(row.sourceDeployment) }
      : null;
  const states = (row.kind === "runCompletion" ? row.onStates : []) as TriggerState[];
  const last = row.firings[0];
  return {
    id: row.id,
    deploymentId: row.deploymentId,
    name: row.name,
    kind: row.kind,
    active: row.active,
    map: row.parameterMap as Record<string, string>,
    tokenPrefix: row.tokenPrefix,
    source,
    states,
    description:
      row.kind === "webhook"
        ? `webhook (token ${row.tokenPrefix ?? "?"}…)`
        : `when ${source?.label ?? "?"} ends ${states.join(" or ")}`,
    lastFiring: last ? { at: last.at.toISOString(), runId: last.runId, error: last.error } : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
