// Flow versions are immutable: once read, a version never changes. Triggers and claims of one
// version (the usual case: a deployment run again and again) then cost no read of it at all.
// Kept on globalThis, shared by every bundle Next.js makes of this file.
import type { ExecutableTask } from "../../contract/agent-protocol.ts";
import { topologicalOrder } from "../../contract/flow-file/dag.ts";
import type { FlowFile } from "../../contract/flow-file/schema.ts";
import type { Db, Tx } from "../db/client.ts";

export type CachedVersion = {
  version: number;
  flow: string;
  spec: FlowFile;
  /** Tasks in topological order, each with the code agents run. */
  executable: ExecutableTask[];
};

const VERSIONS = Symbol.for("pipebook.flow-versions");
const MAX_CACHED = 500;

function cache(): Map<string, CachedVersion> {
  const holder = globalThis as { [VERSIONS]?: Map<string, CachedVersion> };
  holder[VERSIONS] ??= new Map();
  return holder[VERSIONS];
}

export async function getFlowVersion(db: Db | Tx, id: string): Promise<CachedVersion> {
  const versions = cache();
  const hit = versions.get(id);
  if (hit) return hit;
  const row = await db.flowVersion.findUniqueOrThrow({
    where: { id },
    select: { version: true, spec: true, compiled: true, flow: { select: { name: true } } },
  });
  const spec = row.spec as unknown as FlowFile;
  const compiled = row.compiled as Record<string, string>;
  const version: CachedVersion = {
    version: row.version,
    flow: row.flow.name,
    spec,
    executable: topologicalOrder(spec.tasks).map((t) => ({
      ...t,
      code: compiled[t.name] ?? t.code,
    })),
  };
  if (versions.size >= MAX_CACHED) versions.delete(versions.keys().next().value!);
  versions.set(id, version);
  return version;
}
