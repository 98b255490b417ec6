// Task processes run in their own process group, so that a timeout or a cancel kills what the
// task started too (a subprocess, a shell pipeline), not just the task's own process.
import type { ChildProcess } from "node:child_process";

export function killTree(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}
