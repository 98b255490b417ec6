// The files an attempt leaves in $PIPEBOOK_ARTIFACTS: its own folder, uploaded to the run's
// storage when the attempt ends, then removed.
//
// Every attempt makes its folder and nearly all leave it empty, so this is on the path of every
// task. Done synchronously, the folder work was the agents' largest cost under the load bench
// after start-up (rmdir 10 % of their busy time, mkdir 2 %: a metadata change waits for the
// file system's journal while the databases sync), and it stopped the agent's event loop —
// every other run's reports and tasks — meanwhile. Here it is asynchronous, and an empty
// folder is left for the run's own removal (run-folders.ts) instead of one rmdir per attempt.
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
export async function artifactsFolder(
  env: TaskEnvironment,
  task: ExecutableTask,
  attempt: number,
  item: ItemContext | undefined,
): Promise<string | undefined> {
  if (task.language === "python" && env.remotePython) return undefined;
  const who = item ? `${task.name}.${item.index}` : task.name;
  const dir = path.join(env.folders.modules, "artifacts", `${who}-${attempt}`);
  await fs.promises.mkdir(dir, { recursive: true });
  return dir;
}

export async function keepArtifacts(
  env: TaskEnvironment,
  dir: string,
  where: { task: string; attempt: number; item: ItemContext | undefined },
): Promise<void> {
  // Nothing left (or no folder any more): nothing to upload, and the run's removal takes it.
  const left = await fs.promises.readdir(dir).catch(() => []);
  if (left.length === 0) return;
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
  await fs.promises.rm(dir, { recursive: true, force: true });
}
