// Starting and stopping real Pipebook servers from a test, for what only a whole process shows:
// start-up, flags, restarts, refusal of a bad configuration.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export type ServerProcess = {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  /** Its exit code, once it exits by itself (null when a signal ended it). */
  exited: Promise<number | null>;
};

// A test that times out never reaches its server.stop(): when the worker exits, stop whatever it
// left running (SIGTERM, so each server also stops its local agent), instead of leaking servers
// that hold ports and CPU for the rest of the suite.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) if (child.exitCode === null) child.kill("SIGTERM");
});

export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-server-"));
}

/**
 * Runs the server and resolves once it prints where it listens (or rejects with its output).
 * `ownGroup` starts it in a process group of its own, as a shell starts a command: signalling
 * `-child.pid` is then what Ctrl-C in its terminal does.
 */
export function startServer(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 90_000,
  options: { ownGroup?: boolean } = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [path.join(root, "bin/pipebook-server.mjs"), "--no-build", ...args],
    {
      env: { ...process.env, PIPEBOOK_LOCAL_AGENT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: options.ownGroup ?? false,
    },
  );
  running.add(child);
  let output = "";
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (child.exitCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the server did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // The banner's last line says where the API is: by then the whole banner is out.
      const match = /Pipebook is ready: (http:\/\/\S+)[\s\S]*OpenAPI at/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, output: () => output, stop, exited });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        Object.assign(new Error(`the server exited with ${code}:\n${output}`), { code, output }),
      );
    });
  });
}

/** Runs the server expecting it to refuse to start; resolves with its exit code and output. */
export async function startFailing(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  try {
    const server = await startServer(args, env);
    await server.stop();
    throw new Error(`the server started though it should not have:\n${server.output()}`);
  } catch (error) {
    const e = error as { code?: number | null; output?: string };
    if (e.output === undefined) throw error;
    return { code: e.code ?? null, output: e.output };
  }
}
