// What a trigger refers to, checked when it is saved: every mapped parameter exists on the
// deployment it runs, every source can be read (a JSON pointer; a task of the watched flow), and
// completion triggers make no cycle. Refusals name the field and say how to fix it.
import type { Db, Tx } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { getFlowVersion } from "../flows/version-cache.ts";
import { parseCompletionSource, webhookSourceProblem } from "./map-parameters.ts";
import { deploymentLabel } from "./trigger-row.ts";

const refuse = (field: string, message: string) =>
  new PipebookError("bad_request", `${field}: ${message}`);

async function deploymentOf(db: Db | Tx, id: string, field: string) {
  const row = isUuid(id)
    ? await db.deployment.findUnique({
        where: { id },
        select: { id: true, name: true, flowVersionId: true, flow: { select: { name: true } } },
      })
    : null;
  if (!row && field === "deployment") throw new NotFoundError("deployment", id);
  if (!row) throw refuse(field, `no deployment has the id "${id}"`);
  return { ...row, version: await getFlowVersion(db, row.flowVersionId) };
}

/** Checks `map` against the deployment it fills (and, for completions, the one it reads). */
export async function checkMap(
  db: Db | Tx,
  input: {
    deploymentId: string;
    kind: "webhook" | "runCompletion";
    map: Record<string, string>;
    sourceDeploymentId: string | null;
  },
) {
  const target = await deploymentOf(db, input.deploymentId, "deployment");
  const declared = Object.keys(target.version.spec.parameters.properties ?? {});
  const source =
    input.sourceDeploymentId === null
      ? null
      : await deploymentOf(db, input.sourceDeploymentId, "sourceDeploymentId");
  const tasks = source?.version.spec.tasks.map((t) => t.name) ?? [];
  for (const [parameter, text] of Object.entries(input.map)) {
    const field = `map.${parameter}`;
    if (!declared.includes(parameter)) {
      throw refuse(
        field,
        `${deploymentLabel(target)} has no parameter "${parameter}" (${declared.length ? `its parameters: ${declared.join(", ")}` : "its flow declares none"})`,
      );
    }
    if (input.kind === "webhook") {
      const problem = webhookSourceProblem(text);
      if (problem) throw refuse(field, problem);
      continue;
    }
    const parsed = parseCompletionSource(text);
    if (!parsed) {
      throw refuse(
        field,
        `"${text}" is not a source: write "<task>" for a task's result, "<task>/<pointer>" for a part of it, or "parameters/<name>" for the source run's parameter`,
      );
    }
    if (parsed.kind === "result" && !tasks.includes(parsed.task)) {
      throw refuse(
        field,
        `${source ? deploymentLabel(source) : "the source"} has no task "${parsed.task}" (its tasks: ${tasks.join(", ")})`,
      );
    }
  }
  return { target, source };
}

// Every check of the graph takes this lock, so two saves cannot each add half of a cycle.
const GRAPH_LOCK = 7_346_021;

/**
 * Refuses a completion trigger source → target when target's runs already lead, through other
 * completion triggers, back to source: each run would start the next forever. Refused at save
 * rather than capped at run time, so the person making the loop is told, not a log later.
 */
export async function refuseCycle(
  tx: Tx,
  source: { id: string; name: string; flow: { name: string } },
  target: { id: string; name: string; flow: { name: string } },
) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${GRAPH_LOCK}::bigint)`;
  // Breadth-first from target along source → deployment edges, remembering how each was reached.
  const cameFrom = new Map<string, string | null>([[target.id, null]]);
  let frontier = [target.id];
  while (frontier.length && !cameFrom.has(source.id)) {
    const edges = await tx.trigger.findMany({
      where: { kind: "runCompletion", sourceDeploymentId: { in: frontier } },
      select: { sourceDeploymentId: true, deploymentId: true },
    });
    frontier = [];
    for (const edge of edges) {
      if (cameFrom.has(edge.deploymentId)) continue;
      cameFrom.set(edge.deploymentId, edge.sourceDeploymentId);
      frontier.push(edge.deploymentId);
    }
  }
  if (!cameFrom.has(source.id)) return;
  const path: string[] = [];
  for (let at: string | null = source.id; at !== null; at = cameFrom.get(at) ?? null) {
    path.unshift(at);
  }
  const rows = await tx.deployment.findMany({
    where: { id: { in: path } },
    select: { id: true, name: true, flow: { select: { name: true } } },
  });
  const label = (id: string) => deploymentLabel(rows.find((r) => r.id === id)!);
  const loop = [label(source.id), ...path.map(label)].join(" → ");
  throw refuse(
    "sourceDeploymentId",
    source.id === target.id
      ? `a deployment cannot trigger itself (${loop}): each run would start the next forever`
      : `this trigger would close a cycle ${loop}: each run would start the next forever. Remove one of those triggers first`,
  );
}
