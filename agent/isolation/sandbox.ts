// Where a task's processes run: inside a bubblewrap sandbox (bwrap, from the distribution's
// packages), or — when isolation is off — straight on the agent's host. In the sandbox a task
// sees the system read-only, its own processes only (a private /proc: the server's and the
// agent's environment and command line are out of sight), empty folders where the agent's state
// and the hidden folders (the server's data folder) are, the kernel files read-only, and only
// its run's folder writable. The network is shared: tasks call out to databases and APIs.
import fs from "node:fs";
import path from "node:path";

export type IsolationMode = "auto" | "bwrap" | "none";

export type SandboxView = {
  /** Bound read-write at the same path (the run's folder). */
  writable: string[];
  /** Bound read-only at the same path, even below a hidden folder (the kernel files). */
  readable: string[];
  cwd: string;
};

export type Sandbox = {
  kind: "bwrap" | "none";
  wrap(command: string, args: string[], view: SandboxView): { command: string; args: string[] };
};

export const NO_SANDBOX: Sandbox = {
  kind: "none",
  wrap: (command, args) => ({ command, args }),
};

/** The bwrap options for one process; `hidden` are folders (or files) the task must not read. */
export function bwrapArgs(hidden: string[], view: SandboxView): string[] {
  const args = [
    "--ro-bind", "/", "/",
    "--dev", "/dev",
    // A new PID namespace with its own /proc: no other process's environ or cmdline is visible.
    "--unshare-pid", "--proc", "/proc",
    // The sandbox dies with the agent, and a task cannot push keystrokes into the agent's terminal.
    "--die-with-parent", "--new-session",
    "--tmpfs", "/tmp", "--tmpfs", "/dev/shm",
  ]; // prettier-ignore
  // Parents before children, so a folder made visible again below a hidden one stays visible.
  for (const target of [...new Set(hidden.map((h) => path.resolve(h)))].sort()) {
    const stat = fs.statSync(target, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) args.push("--tmpfs", target);
    else args.push("--ro-bind", "/dev/null", target);
  }
  for (const dir of view.readable) args.push("--ro-bind", dir, dir);
  for (const dir of view.writable) args.push("--bind", dir, dir);
  args.push("--chdir", view.cwd);
  return args;
}

// What the sandbox replaces with empty folders besides the hidden ones (see bwrapArgs).
const PRIVATE_FOLDERS = ["/tmp", "/dev/shm"];

const isBelow = (target: string, folder: string) =>
  target === folder || target.startsWith(folder.endsWith("/") ? folder : `${folder}/`);

/**
 * The folder to bind read-only so that `command` can run inside the sandbox, when it is
 * installed where the sandbox shows an empty folder (a Node.js or Python unpacked under /tmp,
 * or below a hidden folder): without it bwrap fails with "execvp …: No such file or directory".
 * An interpreter in a `bin` folder needs its whole installation (Python's standard library
 * sits beside it in lib/), so the parent of `bin` is bound.
 */
export function installationToBind(command: string, hidden: string[]): string | undefined {
  if (!path.isAbsolute(command)) return undefined;
  let real: string;
  try {
    real = fs.realpathSync(command);
  } catch {
    return undefined; // Starting it reports the missing file.
  }
  const masked = [...PRIVATE_FOLDERS, ...hidden.map((h) => path.resolve(h))];
  if (!masked.some((folder) => isBelow(real, folder))) return undefined;
  const dir = path.dirname(real);
  const root = path.basename(dir) === "bin" ? path.dirname(dir) : dir;
  // Never bind a private or hidden folder itself back (a binary straight in /tmp): then the
  // binary's folder, or the binary alone.
  return [root, dir, real].find((c) => !masked.some((folder) => isBelow(folder, c)));
}

export function bwrapSandbox(bwrap: string, hidden: string[]): Sandbox {
  return {
    kind: "bwrap",
    wrap: (command, args, view) => {
      const installation = installationToBind(command, hidden);
      const readable = installation ? [installation, ...view.readable] : view.readable;
      return {
        command: bwrap,
        args: [...bwrapArgs(hidden, { ...view, readable }), "--", command, ...args],
      };
    },
  };
}
