// One build of a dependency set per machine, however many agents want it at once: the builder
// holds `<env>.lock`, created with O_EXCL (open "wx": exactly one process creates it), and the
// others wait until the environment is ready. A lock whose process is gone (the agent was
// killed mid-build) is stale: the next agent removes it and builds.
import fs from "node:fs";

export type LockOutcome = "built" | "ready";

// A build that takes longer than this is assumed stuck (pip resolving forever, a hung npm).
const MAX_WAIT_MS = 60 * 60 * 1000;
const POLL_MS = 200;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether the lock file's holder is gone (or the file is unreadable, e.g. half written). */
function stale(lockFile: string): boolean {
  try {
    const stat = fs.statSync(lockFile);
    const pid = Number(fs.readFileSync(lockFile, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - stat.mtimeMs > 5_000;
    return !alive(pid) || Date.now() - stat.mtimeMs > MAX_WAIT_MS;
  } catch {
    return false; // gone already: the next round takes it
  }
}

/**
 * Runs `build` unless `isReady()` — under the lock, so no two processes build the same set.
 * Calls `onWait` once when another process is building it.
 */
export async function withBuildLock(
  lockFile: string,
  isReady: () => boolean,
  build: () => Promise<void>,
  onWait: () => void,
): Promise<LockOutcome> {
  const started = Date.now();
  let waiting = false;
  for (;;) {
    if (isReady()) return "ready";
    let fd: number | undefined;
    try {
      fd = fs.openSync(lockFile, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (fd === undefined) {
      if (stale(lockFile)) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (!waiting) onWait();
      waiting = true;
      if (Date.now() - started > MAX_WAIT_MS)
        throw new Error(`gave up waiting for ${lockFile} after ${MAX_WAIT_MS / 60000} minutes`);
      await sleep(POLL_MS);
      continue;
    }
    try {
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      // Built by the holder we waited for, between our check and our lock.
      if (isReady()) return "ready";
      await build();
      return "built";
    } finally {
      fs.rmSync(lockFile, { force: true });
    }
  }
}
