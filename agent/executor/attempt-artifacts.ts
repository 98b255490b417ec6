// The files an attempt leaves in $PIPEBOOK_ARTIFACTS: an empty folder of its own while it runs,
// uploaded to the run's storage when the attempt ends, then emptied for a later attempt of the
// run (../runners/folder-pool.ts).
import type { ExecutableTask } from "../../contract/agent-protocol.ts";
import { collectArtifacts, uploadArtifacts } from "../storage/upload-artifacts.ts";
import { now } from "./events.ts";
import type { ItemContext, TaskEnvironment } from "./task-environment.ts";

/** The attempt's own $PIPEBOOK_ARTIFACTS. None for a Dask attempt: it runs on another machine. */
export function artifactsFolder(env: TaskEnvironment, task: ExecutableTask): string | undefined {
  if (task.language === "python" && env.remotePython) return undefined;
  return env.folders.artifacts.take();
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
  env.folders.artifacts.give(dir);
}
