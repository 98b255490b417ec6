import fs from "node:fs";

/**
 * Whether a process is running: it exists and is not a zombie (a killed child whose parent died
 * waits to be reaped, and this machine's init does not reap).
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z";
  } catch {
    return false;
  }
}
