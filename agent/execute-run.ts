// `pipebook-agent.mjs execute-run`: what runs inside a docker runner's container. It reads the
// claimed run as the first line of stdin, executes it with the process runner, and speaks JSON
// lines with the agent outside: events and cache questions on stdout, cache answers on stdin.
// A task's secrets and variables come the same way: asked on stdout, answered on stdin by the
// agent outside, which alone holds the run token. SIGTERM cancels the run (the outside agent
// sends it on a cancel).
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { ClaimedRunSchema } from "../contract/agent-protocol.ts";
import type { TaskContextLookup } from "./executor/task-context.ts";
import { NO_SANDBOX } from "./isolation/sandbox.ts";
import { installKernelFiles } from "./kernels/kernel-files.ts";
import { KernelPool } from "./kernels/kernel-pool.ts";
import { EnvironmentStore } from "./environments/environment-store.ts";
import type { EnvironmentSettings } from "./config.ts";
import { ProcessRunner } from "./runners/process-runner.ts";
import type { ContainerMessage } from "./runners/docker-runner.ts";

function send(message: ContainerMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

export async function executeRunFromStdin(options: {
  python: string;
  taskConcurrency: number;
  taskEnv: NodeJS.ProcessEnv;
  environments: EnvironmentSettings;
}): Promise<number> {
  const lines = readline.createInterface({ input: process.stdin });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) {
    process.stderr.write("execute-run: no run on stdin\n");
    return 2;
  }
  const run = ClaimedRunSchema.parse(JSON.parse(first.value));
  const answers = new Map<
    number,
    (answer: { hit: boolean; result?: unknown; source?: string }) => void
  >();
  const contexts = new Map<number, (answer: Awaited<ReturnType<TaskContextLookup>>) => void>();
  lines.on("line", (line) => {
    try {
      const message = JSON.parse(line) as {
        $: string;
        id: number;
        hit: boolean;
        result?: unknown;
        source?: string;
        answer?: Awaited<ReturnType<TaskContextLookup>>;
      };
      if (message.$ === "cache")
        answers.get(message.id)?.({
          hit: message.hit,
          result: message.result,
          source: message.source,
        });
      if (message.$ === "context" && message.answer) contexts.get(message.id)?.(message.answer);
    } catch {
      // Not a message for us.
    }
  });
  let nextId = 0;
  const controller = new AbortController();
  process.once("SIGTERM", () => controller.abort("cancel"));

  const workDir = path.join(os.tmpdir(), "pipebook");
  const files = installKernelFiles(path.join(workDir, "kernels"));
  const env = options.taskEnv;
  // The container is this run's sandbox: one run, nothing else of the host inside it.
  const pool = new KernelPool(files, { python: options.python, node: process.execPath, env });
  const runner = new ProcessRunner({
    pool,
    files,
    workDir,
    env,
    sandbox: NO_SANDBOX,
    taskConcurrency: options.taskConcurrency,
    // Locks are not reported from inside a container (the agent outside holds the lease).
    environments: new EnvironmentStore({ ...options.environments, python: options.python }),
  });
  const end = await runner.execute({
    run,
    signal: controller.signal,
    sink: { push: (event) => send({ $: "event", event }) },
    cacheLookup: (key) =>
      new Promise((resolve) => {
        const id = nextId++;
        const timer = setTimeout(() => resolve({ hit: false }), 10_000);
        answers.set(id, (answer) => {
          clearTimeout(timer);
          answers.delete(id);
          resolve(answer);
        });
        send({ $: "cache", id, key });
      }),
    taskContext: (task) =>
      new Promise((resolve) => {
        const id = nextId++;
        const timer = setTimeout(
          () => resolve({ ok: false, error: "the agent outside the container did not answer" }),
          30_000,
        );
        contexts.set(id, (answer) => {
          clearTimeout(timer);
          contexts.delete(id);
          resolve(answer);
        });
        send({ $: "context", id, task });
      }),
  });
  send({ $: "end", state: end });
  await pool.close();
  return 0;
}
