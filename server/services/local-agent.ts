// `npm start` runs one agent next to the server (queue "default"), so a run created through the
// API executes with no further setup. It is the same single-file agent a remote VM downloads,
// run as a child process: tasks never run inside the server. If it dies, it is started again.
// Its key arrives on an inherited pipe (fd 3), so it is on no command line and in no environment;
// a second pipe (fd 4) ends when the server does, and the agent with it;
// its work folder is a private temporary folder outside the data folder, which its tasks cannot
// see (the agent hides it with --hide, see agent/isolation/).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Writable } from "node:stream";
import readline from "node:readline";
import { localAgentEnvironment } from "../config.ts";
import { log } from "../log.ts";

export type LocalAgentOptions = {
  bundle: string;
  apiUrl: string;
  apiKey: string;
  /** The server's data folder: out of sight for tasks. */
  home: string;
  /** How long a stopping agent may take to finish its runs before it is killed. */
  graceMs: number;
};

export function startLocalAgent(options: LocalAgentOptions) {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restartDelay = 1_000;
  let restartTimer: NodeJS.Timeout | undefined;

  function launch() {
    if (!fs.existsSync(options.bundle)) {
      log.error(
        `the agent bundle ${options.bundle} is missing (run npm run build); no local agent`,
      );
      return;
    }
    const env = localAgentEnvironment();
    const started = Date.now();
    child = spawn(
      process.execPath,
      [
        options.bundle,
        "start",
        "--api-url",
        options.apiUrl,
        "--queue",
        "default",
        "--name",
        "local",
        "--api-key-file",
        "/dev/fd/3",
        "--hide",
        path.resolve(options.home),
        "--work-dir",
        workDir,
        "--grace-period",
        String(Math.floor(options.graceMs / 1000)),
        "--parent-fd",
        "4",
      ],
      // Its own process group: Ctrl-C in the server's terminal signals the server's group, and
      // the agent, in it, took that SIGINT as a first signal and the server's SIGTERM that
      // followed as a second, skipping its grace period. Out of the group it gets one SIGTERM,
      // from the server; fd 4, which the server never writes to, closes when the server exits
      // however it does, and the agent then stops by itself (agent --parent-fd).
      { env, stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"], detached: true },
    );
    const keyPipe = child.stdio[3] as Writable;
    // The agent may die before reading it; that shows in its exit, not as an unhandled error.
    keyPipe.on("error", () => undefined);
    keyPipe.end(options.apiKey);
    for (const stream of [child.stdout!, child.stderr!]) {
      readline
        .createInterface({ input: stream })
        .on("line", (line) => console.log(`[agent] ${line}`));
    }
    child.on("exit", (code, signal) => {
      child = undefined;
      if (stopping) return;
      // Restart, backing off while it keeps dying young.
      restartDelay = Date.now() - started > 60_000 ? 1_000 : Math.min(restartDelay * 2, 30_000);
      log.warn(
        `the local agent exited (${signal ?? `code ${code}`}); starting it again in ${restartDelay / 1000} s`,
      );
      restartTimer = setTimeout(launch, restartDelay);
    });
  }

  // mkdtemp makes it 0700: other users of the host cannot read the runs' files either.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-local-agent-"));
  const removeWorkDir = () => fs.rmSync(workDir, { recursive: true, force: true });
  launch();

  return {
    /** SIGTERM (the agent drains), then SIGKILL after the grace period. */
    async stop(): Promise<void> {
      stopping = true;
      clearTimeout(restartTimer);
      const running = child;
      if (running && running.exitCode === null) {
        const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
        running.kill("SIGTERM");
        const timer = setTimeout(() => running.kill("SIGKILL"), options.graceMs + 2_000);
        await exited;
        clearTimeout(timer);
      }
      removeWorkDir();
    },
    /** For an exit that cannot wait (a second signal): kill it now. */
    kill() {
      stopping = true;
      child?.kill("SIGKILL");
      removeWorkDir();
    },
  };
}
