// Where a run's files live. Runs are grouped by what may share a warm kernel — one deployment's
// one flow version (for runs without a deployment: the flow version) — and a kernel's sandbox can
// write its group's folder only: a task never sees the folders of another flow's runs.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ClaimedRun } from "../../contract/agent-protocol.ts";
import type { KernelFiles } from "../kernels/kernel-files.ts";
import type { ReadyEnvironment } from "../environments/environment-store.ts";
import { FolderPool } from "./folder-pool.ts";

/**
 * What may share a warm kernel: one group's runs, and — for tasks with dependencies — one
 * environment of it (its kernels run the venv's Python, or resolve its node_modules).
 */
export type KernelGroup = { key: string; dir: string; env?: ReadyEnvironment };

/** The group of a task that runs in `env`: its own warm kernels, its own module folder. */
export function environmentGroup(group: KernelGroup, env: ReadyEnvironment): KernelGroup {
  return { key: `${group.key}; env ${env.key}`, dir: group.dir, env };
}

/**
 * Where a TypeScript task that runs in `env` writes its modules: below a folder whose
 * node_modules is the environment's, so Node resolves the declared packages from there (and
 * `pipebook` one level up, from the group's link to the kernel files).
 */
export function environmentModules(folders: RunFolders, env: ReadyEnvironment): string {
  const base = path.join(folders.group.dir, `.env-${env.key}`);
  const dir = path.join(base, path.basename(folders.cwd));
  fs.mkdirSync(dir, { recursive: true });
  const link = path.join(base, "node_modules");
  if (env.nodeModules && !fs.existsSync(link)) {
    try {
      fs.symlinkSync(env.nodeModules, link, "dir");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return dir;
}

export type RunFolders = {
  group: KernelGroup;
  /** The run's working folder, shared by its tasks. */
  cwd: string;
  /** Where its TypeScript modules are written. */
  modules: string;
  /** Its attempts' $PIPEBOOK_ARTIFACTS folders, below `modules` (writable in the sandbox). */
  artifacts: FolderPool;
};

export function kernelGroupKey(run: Pick<ClaimedRun, "deployment" | "flow">): string {
  const owner = run.deployment.id ? `deployment ${run.deployment.id}` : "no deployment";
  return `${owner}; flow ${JSON.stringify(run.flow.name)} v${run.flow.version}`;
}

export function prepareRunFolders(
  workDir: string,
  run: ClaimedRun,
  files: KernelFiles,
): RunFolders {
  const key = kernelGroupKey(run);
  const hash = crypto.createHash("sha256").update(key).digest("hex").slice(0, 16);
  const dir = path.join(workDir, "runs", hash);
  const modules = path.join(dir, ".modules", run.flowRunId);
  const folders = {
    group: { key, dir },
    cwd: path.join(dir, run.flowRunId),
    modules,
    artifacts: new FolderPool(path.join(modules, "artifacts")),
  };
  fs.mkdirSync(folders.cwd, { recursive: true, mode: 0o700 });
  fs.mkdirSync(folders.modules, { recursive: true });
  // `import … from "pipebook"` in a module below the group's folder resolves through this link
  // (to the kernel files, read-only in the sandbox).
  const link = path.join(dir, "node_modules");
  if (!fs.existsSync(link)) {
    try {
      fs.symlinkSync(files.nodeModules, link, "dir");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return folders;
}

export function removeRunFolders(folders: RunFolders): void {
  fs.rmSync(folders.cwd, { recursive: true, force: true });
  fs.rmSync(folders.modules, { recursive: true, force: true });
  const run = path.basename(folders.cwd);
  for (const entry of fs.readdirSync(folders.group.dir, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name.startsWith(".env-"))
      fs.rmSync(path.join(folders.group.dir, entry.name, run), { recursive: true, force: true });
  }
}
