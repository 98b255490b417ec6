// Where a run's files live. Runs are grouped by what may share a warm kernel — one deployment's
// one flow version (for runs without a deployment: the flow version) — and a kernel's sandbox can
// write its group's folder only: a task never sees the folders of another flow's runs.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ClaimedRun } from "../../contract/agent-protocol.ts";
import type { KernelFiles } from "../kernels/kernel-files.ts";

export type KernelGroup = { key: string; dir: string };

export type RunFolders = {
  group: KernelGroup;
  /** The run's working folder, shared by its tasks. */
  cwd: string;
  /** Where its TypeScript modules are written. */
  modules: string;
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
  const folders = {
    group: { key, dir },
    cwd: path.join(dir, run.flowRunId),
    modules: path.join(dir, ".modules", run.flowRunId),
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
}
