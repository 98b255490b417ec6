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

/**
 * Processes whose command line contains `text`, with their parents: how a test finds a task's
 * processes from outside its sandbox (inside, they have other pids and cannot write host files).
 */
export function processesWith(text: string): { pid: number; ppid: number }[] {
  const found: { pid: number; ppid: number }[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (!args.includes(text)) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (isRunning(Number(entry))) found.push({ pid: Number(entry), ppid });
    } catch {
      // It ended while we looked.
    }
  }
  return found;
}
