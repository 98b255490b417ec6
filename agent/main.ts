// pipebook-agent.mjs: the agent's command line. `start` runs an agent; `execute-run` is what a
// docker runner starts inside its container.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, AGENT_VERSION } from "./agent.ts";
import { AGENT_HELP, AgentConfigError, loadAgentConfig, loadExecuteRunConfig } from "./config.ts";
import { executeRunFromStdin } from "./execute-run.ts";
import { AgentApi } from "./http/client.ts";
import { chooseSandbox } from "./isolation/probe.ts";
import { installKernelFiles } from "./kernels/kernel-files.ts";
import { KernelPool } from "./kernels/kernel-pool.ts";
import { EnvironmentStore } from "./environments/environment-store.ts";
import { log } from "./log.ts";
import { DaskRunner } from "./runners/dask/dask-runner.ts";
import { DockerRunner } from "./runners/docker-runner.ts";
import { ProcessRunner } from "./runners/process-runner.ts";

async function start(args: string[]): Promise<number> {
  const config = loadAgentConfig(args);
  // Hidden inside the sandbox: the agent's own state (kernels, every run's folder) and whatever
  // --hide names (the local agent: the server's data folder).
  const choice = chooseSandbox(config.isolation, [config.workDir, ...config.hide]);
  if (choice.error) {
    log(`cannot start: ${choice.error}`);
    return 1;
  }
  if (choice.warning) log(choice.warning);
  else log("tasks run isolated (bubblewrap sandbox; --isolation none turns it off)");
  fs.mkdirSync(config.workDir, { recursive: true, mode: 0o700 });
  const files = installKernelFiles(path.join(config.workDir, `kernels-${AGENT_VERSION}`));
  const env = config.taskEnv;
  const { sandbox } = choice;
  const pool = new KernelPool(files, { python: config.python, node: config.node, env, sandbox });
  const noPython = pool.checkPython();
  if (noPython) log(`warning: ${noPython}; Python tasks will fail on this agent`);
  const api = new AgentApi(config.apiUrl, config.apiKey);
  const processOptions = {
    pool,
    files,
    workDir: config.workDir,
    env,
    sandbox,
    taskConcurrency: config.taskConcurrency,
    environments: new EnvironmentStore({ ...config.environments, python: config.python }),
  };
  const dask = new DaskRunner({
    ...processOptions,
    python: config.python,
    defaultScheduler: config.daskScheduler,
    log,
  });
  const agent = new Agent(config, api, {
    process: new ProcessRunner(processOptions),
    dask,
    docker: new DockerRunner({ docker: "docker", bundlePath: fileURLToPath(import.meta.url), log }),
  });

  let signals = 0;
  const onSignal = (signal: string, said = `${signal} received`) => {
    signals++;
    if (signals === 1) {
      log(said);
      agent.stop();
      return;
    }
    log(`${signal} again: stopping every task now`);
    // Both send SIGKILL to the task processes synchronously; exiting right after is safe, and
    // must not wait: the drain that the first signal began would otherwise end it with code 0.
    agent.kill();
    void pool.close();
    void dask.close();
    process.exit(1);
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
  if (config.parentFd !== undefined) {
    // Nothing is ever written to it: it ends when the process holding its other end exits, even
    // by SIGKILL — the agent does not outlive the server that started it.
    // A socket, not an fs stream: fs reads a pipe with a blocking read() on libuv's thread
    // pool, and a read left pending there held the agent's exit back until it was killed.
    const parent = new net.Socket({ fd: config.parentFd, readable: true, writable: false });
    parent.on("error", () => undefined);
    parent.on("close", () => {
      if (signals === 0)
        onSignal("exit of its parent", "the process that started this agent ended");
    });
    parent.resume();
  }

  const code = await agent.run();
  await Promise.all([pool.close(), dask.close()]);
  log(code === 0 ? "stopped" : "stopped with an error");
  return code;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (
    !command ||
    command === "--help" ||
    command === "-h" ||
    args.includes("--help") ||
    args.includes("-h")
  ) {
    process.stdout.write(`${AGENT_HELP}\n`);
    return command ? 0 : 2;
  }
  if (command === "--version") {
    process.stdout.write(`pipebook-agent ${AGENT_VERSION}\n`);
    return 0;
  }
  if (command === "start") return start(args);
  if (command === "execute-run") return executeRunFromStdin(loadExecuteRunConfig());
  process.stderr.write(`pipebook-agent: unknown command "${command}" (try --help)\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof AgentConfigError) {
      process.stderr.write(`pipebook-agent: ${error.message}\n\n${AGENT_HELP}\n`);
      process.exit(2);
    }
    process.stderr.write(`pipebook-agent: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
