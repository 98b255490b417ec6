// The files an attempt leaves in $PIPEBOOK_ARTIFACTS: its own folder, uploaded to the run's
// storage when the attempt ends, then removed.
import fs from "node:fs";
import path from "node:path";
import type { ExecutableTask } from "../../contract/agent-protocol.ts";
import { collectArtifacts, uploadArtifacts } from "../storage/upload-artifacts.ts";
import { now } from "./events.ts";
import type { ItemContext, TaskEnvironment } from "./task-environment.ts";

/**
 * The attempt's own $PIPEBOOK_ARTIFACTS: beside the run's modules (writable in the sandbox,
 * removed with the run's folders). None for a Dask attempt: it runs on another machine.
 */
export function artifactsFolder(
  env: TaskEnvironment,
  task: ExecutableTask,
  attempt: number,
  item: ItemContext | undefined,
): string | undefined {
  if (task.language === "python" && env.remotePython) return undefined;
  const who = item ? `${task.name}.${item.index}` : task.name;
  const dir = path.join(env.folders.modules, "artifacts", `${who}-${attempt}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export async function keepArtifacts(
  env: TaskEnvironment,
  dir: string,
  where: { task: string; attempt: number; item: ItemContext | undefined },
): Promise<void> {
  const { item, ...rest } = where;
  const owner = item === undefined ? rest : { ...rest, item: item.index };
  const warn = (message: string) =>
    env.sink.push({ type: "log", ...owner, level: "warning", message, at: now() });
  try {
    if (!env.storage) {
      if (collectArtifacts(dir).files.length)
        warn("artifacts are not uploaded from this runner (it has no storage); they were dropped");
    } else {
      const kept = await uploadArtifacts(env.storage, owner, dir);
      for (const problem of kept.problems) warn(problem);
    }
  } catch (error) {
    // Artifacts never fail their task (README "Artifacts"): a folder the task left unreadable too.
    warn(`artifacts not uploaded: ${(error as Error).message}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
