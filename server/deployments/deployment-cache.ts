// What a trigger needs of its deployment. With the embedded database this process is the only
// writer, so the row is remembered until createDeployment changes it: one read less on the
// dispatch path (measured: ~1.8 ms on an idle PGlite). With PostgreSQL other replicas may change
// a deployment at any time, so it is always read.
import type { RunnerKind } from "../../contract/agent-protocol.ts";
import type { Db } from "../db/client.ts";
import { isSingleWriter } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";

export type DeploymentForRun = {
  id: string;
  name: string;
  flowId: string;
  flowVersionId: string;
  workQueueId: string;
  workQueue: { name: string; paused: boolean; concurrencyLimit: number | null };
  tags: string[];
  parameters: unknown;
  retries: number;
  runner: RunnerKind;
  image: string | null;
  daskScheduler: string | null;
  concurrencyLimit: number | null;
  paused: boolean;
};

const CACHE = Symbol.for("pipebook.deployments-for-runs");
const MAX_CACHED = 1_000;

function cache(db: Db): Map<string, DeploymentForRun> {
  const holder = globalThis as { [CACHE]?: WeakMap<Db, Map<string, DeploymentForRun>> };
  holder[CACHE] ??= new WeakMap();
  let map = holder[CACHE].get(db);
  if (!map) holder[CACHE].set(db, (map = new Map()));
  return map;
}

export async function deploymentForRun(db: Db, id: string): Promise<DeploymentForRun | null> {
  if (!isUuid(id)) return null;
  const cached = isSingleWriter(db) ? cache(db).get(id) : undefined;
  if (cached) return cached;
  const row = await db.deployment.findUnique({
    where: { id },
    select: {
      id: true,
      name: true,
      flowId: true,
      flowVersionId: true,
      workQueueId: true,
      workQueue: { select: { name: true, paused: true, concurrencyLimit: true } },
      tags: true,
      parameters: true,
      retries: true,
      runner: true,
      image: true,
      daskScheduler: true,
      concurrencyLimit: true,
      paused: true,
    },
  });
  if (row && isSingleWriter(db)) {
    const map = cache(db);
    if (map.size >= MAX_CACHED) map.delete(map.keys().next().value!);
    map.set(id, row);
  }
  return row;
}

/** Called by whatever changes a deployment or its work queue. */
export function forgetDeployments(db: Db, id?: string): void {
  if (id) cache(db).delete(id);
  else cache(db).clear();
}
