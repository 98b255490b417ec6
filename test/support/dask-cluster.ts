// A real Dask cluster for tests: `dask scheduler` and two `dask worker` processes of Debian's
// python3-distributed (/usr/bin/python3), one of the workers in a network namespace of its own,
// joined to this one by a veth pair — so it reaches the scheduler (and the client reaches it)
// over a real link to another host address, as a worker on another machine would.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { isRunning } from "./processes.ts";
import { inheritedEnv, testSettings } from "./test-settings.ts";

export const DASK_PYTHON = testSettings.daskPython;

export type DaskWorker = { pid: number; address: string; isolated: boolean; child: ChildProcess };
export type DaskCluster = {
  scheduler: string;
  workers: DaskWorker[];
  /** Why the isolated worker shares this namespace after all (no `ip netns` here), or null. */
  isolation: string | null;
  stop(): Promise<void>;
};

/** Whether Dask can run here at all; the reason when not. */
export function daskUnavailable(): string | null {
  const probe = spawnSync(DASK_PYTHON, ["-c", "import distributed"], { encoding: "utf8" });
  return probe.status === 0
    ? null
    : `${DASK_PYTHON} cannot import distributed (apt-get install python3-distributed): ${probe.stderr.trim().split("\n").at(-1)}`;
}

function ip(...args: string[]): { ok: boolean; error: string } {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  return { ok: r.status === 0, error: (r.stderr || r.error?.message || "").trim() };
}

function waitFor(child: ChildProcess, pattern: RegExp, label: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`${label} did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}):\n${output}`));
    });
  });
}

/**
 * Starts the cluster: `threads` threads per worker; the scheduler on `port`. The namespace and
 * veth names carry this process's id, so concurrent test processes do not collide.
 */
export async function startDaskCluster(
  options: { port: number; threads?: number } = { port: 8786 },
): Promise<DaskCluster> {
  const threads = String(options.threads ?? 2);
  const tag = `pbd${process.pid % 100_000}`;
  const netns = `${tag}ns`;
  // A /30 per test process: host .1, namespace .2.
  const subnet = `10.${180 + (process.pid % 60)}.${Math.floor(process.pid / 60) % 250}`;
  const hostIp = `${subnet}.1`;
  const nsIp = `${subnet}.2`;
  let isolation: string | null = null;
  const made = ip("netns", "add", netns);
  if (made.ok) {
    const steps = [
      ["link", "add", `${tag}h`, "type", "veth", "peer", "name", `${tag}n`],
      ["link", "set", `${tag}n`, "netns", netns],
      ["addr", "add", `${hostIp}/30`, "dev", `${tag}h`],
      ["link", "set", `${tag}h`, "up"],
      ["-n", netns, "addr", "add", `${nsIp}/30`, "dev", `${tag}n`],
      ["-n", netns, "link", "set", `${tag}n`, "up"],
      ["-n", netns, "link", "set", "lo", "up"],
    ];
    for (const step of steps) {
      const r = ip(...step);
      if (!r.ok) {
        isolation = `ip ${step.join(" ")}: ${r.error}`;
        break;
      }
    }
  } else isolation = `ip netns add: ${made.error}`;
  const host = isolation ? "127.0.0.1" : hostIp;

  const children: ChildProcess[] = [];
  const python = (args: string[], netnsName?: string) => {
    const [command, argv] = netnsName
      ? ["ip", ["netns", "exec", netnsName, DASK_PYTHON, ...args]]
      : [DASK_PYTHON, args];
    const child = spawn(command, argv, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...inheritedEnv(), PYTHONDONTWRITEBYTECODE: "1" },
    });
    children.push(child);
    return child;
  };
  const scheduler = python([
    "-m",
    "distributed.cli.dask_scheduler",
    "--host",
    host,
    "--port",
    String(options.port),
    "--no-dashboard",
  ]);
  await waitFor(scheduler, /Scheduler at:\s+(\S+)/, "the Dask scheduler");
  const address = `tcp://${host}:${options.port}`;
  const worker = async (isolated: boolean): Promise<DaskWorker> => {
    const child = python(
      [
        "-m",
        "distributed.cli.dask_worker",
        address,
        "--nthreads",
        threads,
        "--no-nanny",
        "--no-dashboard",
        "--host",
        isolated && !isolation ? nsIp : "127.0.0.1",
        "--name",
        isolated ? "isolated" : "local",
      ],
      isolated && !isolation ? netns : undefined,
    );
    // Started, and registered with the scheduler (it says "Start worker at" before it registers).
    const [, workerAddress] = await waitFor(
      child,
      /Start worker at:\s+(\S+)[\s\S]*Registered to:/,
      "a Dask worker",
    );
    return { pid: child.pid!, address: workerAddress!, isolated, child };
  };
  const workers = [await worker(false), await worker(true)];
  return {
    scheduler: address,
    workers,
    isolation,
    async stop() {
      for (const child of children.reverse()) {
        if (child.pid && isRunning(child.pid)) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGKILL");
          await exited;
        }
      }
      if (!isolation || made.ok) ip("netns", "del", netns);
      ip("link", "del", `${tag}h`);
    },
  };
}
