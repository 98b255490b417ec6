// The agent's settings, from its flags and environment (the one place the agent reads them).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { daskSchedulerProblem } from "../contract/dask-scheduler.ts";
import type { IsolationMode } from "./isolation/sandbox.ts";
import { forbiddenTaskVariable, taskEnvironment } from "./isolation/task-env.ts";

export type AgentConfig = {
  apiUrl: string;
  apiKey: string;
  name: string;
  queues: string[];
  tags: string[];
  /** Flow runs executed at once. */
  concurrency: number;
  /** Tasks of one flow run executed at once (independent branches). */
  taskConcurrency: number;
  workDir: string;
  gracePeriodMs: number;
  python: string;
  node: string;
  /** How tasks are sandboxed (agent/isolation/). */
  isolation: IsolationMode;
  /** Folders (or files) tasks must not see, besides the agent's own work folder. */
  hide: string[];
  /** A pipe from the process that started the agent: its closing means that process is gone. */
  parentFd?: number;
  /** The environment tasks start with. */
  taskEnv: NodeJS.ProcessEnv;
  /** For dask runs whose deployment names no scheduler (agent/runners/dask/). */
  daskScheduler?: string;
  /** Per-flow dependencies (agent/environments/): where they are built, and with what. */
  environments: EnvironmentSettings;
};

export type EnvironmentSettings = {
  /** Holds every built environment; agents that share it build each set once. */
  root: string;
  pipIndexUrl?: string;
  pipFindLinks: string[];
  /** uv, when on the PATH: builds Python environments instead of venv + pip. */
  uv?: string;
  npm: string;
  /** The builds' environment: the tasks' own plus pip's, uv's and npm's settings. */
  env: NodeJS.ProcessEnv;
};

// Package tools read their settings from these (a private index, a proxy, npm's registry and
// token): builds get them, tasks do not.
const BUILD_VARIABLE =
  /^(PIP_|UV_|npm_config_|NPM_CONFIG_|NODE_EXTRA_CA_CERTS$|SSL_CERT_|REQUESTS_CA_BUNDLE$)/;

/** The environment dependency builds run with, and the tools they use. */
export function environmentSettings(
  env: Record<string, string | undefined>,
  root: string,
  taskEnv: NodeJS.ProcessEnv,
  pip: { indexUrl?: string; findLinks: string[] },
): EnvironmentSettings {
  const buildEnv: NodeJS.ProcessEnv = { ...taskEnv };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && BUILD_VARIABLE.test(name)) buildEnv[name] = value;
  }
  const onPath = (name: string) =>
    (env.PATH ?? "")
      .split(path.delimiter)
      .filter(Boolean)
      .map((dir) => path.join(dir, name))
      .find((file) => fs.existsSync(file));
  // The npm that came with this Node first: the agent runs on it already.
  const ownNpm = path.join(path.dirname(process.execPath), "npm");
  const uv = env.PIPEBOOK_UV === "0" ? undefined : onPath("uv");
  return {
    root,
    pipFindLinks: pip.findLinks,
    ...(pip.indexUrl ? { pipIndexUrl: pip.indexUrl } : {}),
    ...(uv ? { uv } : {}),
    npm: fs.existsSync(ownNpm) ? ownNpm : (onPath("npm") ?? "npm"),
    env: buildEnv,
  };
}

export class AgentConfigError extends Error {
  override name = "AgentConfigError";
}

export const AGENT_HELP = `Usage: node pipebook-agent.mjs start [options]

Runs a Pipebook agent: it long-polls the server's work queues, claims queued flow runs, executes
their tasks as child processes (Python, TypeScript, shell) and reports states and logs back.
It needs only Node >= 20 (and python3 for Python tasks, bash for shell tasks), and opens only
outbound HTTP(S) connections to the server.

Options (environment variable in brackets):
  --api-url URL          the Pipebook server, e.g. http://pipebook:4200      [PIPEBOOK_API_URL]
  --api-key-file PATH    a file holding the API key (an agent key is enough) [PIPEBOOK_API_KEY_FILE]
                         or the key itself in PIPEBOOK_API_KEY; --api-key KEY works too, but
                         every process on the host can read a command line
  --queue NAME           a work queue to serve; repeat or comma-separate     [PIPEBOOK_QUEUES]
                         (default: default)
  --tags T1,T2           tags this agent carries: deployments tagged gpu      [PIPEBOOK_TAGS]
                         run only on agents tagged gpu (--tag works too)
  --concurrency N        flow runs at once (default 4)                       [PIPEBOOK_CONCURRENCY]
  --task-concurrency N   tasks of one run at once (default: CPU count, min 2)
  --name NAME            how the agent shows in the studio (default: hostname)
  --work-dir DIR         where runs keep their files (default: a temp folder)
  --grace-period SECONDS on SIGTERM, how long running flows may finish (default 30);
                         a second SIGTERM or Ctrl-C stops at once
  --python PATH          the Python for Python tasks (default: python3); for dask runs it also
                         runs the Dask client, so it must import distributed [PIPEBOOK_PYTHON]
  --dask-scheduler ADDR  the Dask scheduler for deployments with runner dask that name none,
                         e.g. tcp://10.0.0.5:8786: their Python tasks run on that cluster
                                                                  [PIPEBOOK_DASK_SCHEDULER]
  --isolation MODE       auto (default): each task in a bubblewrap sandbox when bwrap works
                         here, else a warning; bwrap: refuse to start without it; none: tasks
                         see what the agent sees (not advised)                [PIPEBOOK_ISOLATION]
  --hide PATH            a folder tasks must not see (e.g. a server's data folder on this host);
                         repeat, or separate with ":"                          [PIPEBOOK_HIDE]
  --parent-fd N          an inherited pipe from the process that started this agent (a server
                         running it as its local agent): when it closes, however that process
                         ended, the agent stops as on SIGTERM
  --task-env NAMES       the agent's environment variables tasks also get (comma-separated;
                         beyond PATH, HOME, LANG, proxies and the like)       [PIPEBOOK_TASK_ENV]
  --env-dir DIR          where per-flow dependency environments are built and cached
                         (default: WORK_DIR/envs); agents sharing it build each set once
                                                                  [PIPEBOOK_ENV_DIR]
  --pip-index-url URL    the Python package index for flows' requirements (default: pip's)
                                                                  [PIPEBOOK_PIP_INDEX_URL]
  --pip-find-links DIR   a folder (or URL) of wheels pip looks in too; repeat, or separate
                         with ","; with PIP_NO_INDEX=1 pip uses nothing else (offline)
                                                                  [PIPEBOOK_PIP_FIND_LINKS]
                         npm takes your npm config (.npmrc, npm_config_*); uv is used
                         instead of pip when it is on the PATH (PIPEBOOK_UV=0: never)
  -h, --help             this help

Example:
  curl -fsSLO http://SERVER:4200/agent/pipebook-agent.mjs
  PIPEBOOK_API_KEY=KEY node pipebook-agent.mjs start --api-url http://SERVER:4200 --queue gpu-jobs --tags gpu`;

function list(value: string | string[] | undefined): string[] {
  const items = Array.isArray(value) ? value : value ? [value] : [];
  return [
    ...new Set(
      items
        .flatMap((v) => v.split(","))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

function positiveInt(
  raw: string | undefined,
  fallback: number,
  flag: string,
  problems: string[],
): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    problems.push(`${flag} must be a whole number ≥ 1 (got "${raw}")`);
    return fallback;
  }
  return n;
}

/** Settings of `execute-run` (inside a container): it talks to its parent agent, not the server. */
export function loadExecuteRunConfig(env: Record<string, string | undefined> = process.env) {
  const taskEnv = taskEnvironment(env);
  return {
    python: env.PIPEBOOK_PYTHON || "python3",
    taskConcurrency: Math.max(2, os.cpus().length),
    // The container is the sandbox; tasks still get only the allow-listed variables.
    taskEnv,
    // Built inside the container (pip's and npm's settings from its environment), for its run.
    environments: environmentSettings(env, path.join(os.tmpdir(), "pipebook", "envs"), taskEnv, {
      findLinks: [],
    }),
  };
}

const ISOLATION_MODES: IsolationMode[] = ["auto", "bwrap", "none"];

/**
 * The key in a file: a path, or /dev/fd/N for a key the parent hands over on an inherited pipe
 * (the local agent), so it is in neither the command line nor the environment. That descriptor
 * is closed once read, so no task inherits it.
 */
function readKeyFile(file: string, problems: string[]): string {
  const fd = /^\/dev\/fd\/(\d+)$/.exec(file)?.[1];
  try {
    // An inherited descriptor is read as it is: a socket (what Node hands a child for an extra
    // "pipe") cannot be opened again through /dev/fd.
    const key = (fd ? fs.readFileSync(Number(fd), "utf8") : fs.readFileSync(file, "utf8")).trim();
    if (!key) problems.push(`--api-key-file ${file} is empty`);
    return key;
  } catch (error) {
    problems.push(`--api-key-file: cannot read ${file}: ${(error as Error).message}`);
    return "";
  } finally {
    if (fd) fs.close(Number(fd), () => undefined);
  }
}

export function loadAgentConfig(
  args: string[],
  env: Record<string, string | undefined> = process.env,
): AgentConfig {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        "api-url": { type: "string" },
        "api-key": { type: "string" },
        "api-key-file": { type: "string" },
        isolation: { type: "string" },
        hide: { type: "string", multiple: true },
        "parent-fd": { type: "string" },
        "task-env": { type: "string", multiple: true },
        queue: { type: "string", multiple: true },
        tags: { type: "string", multiple: true },
        tag: { type: "string", multiple: true },
        concurrency: { type: "string" },
        "task-concurrency": { type: "string" },
        name: { type: "string" },
        "work-dir": { type: "string" },
        "grace-period": { type: "string" },
        python: { type: "string" },
        "dask-scheduler": { type: "string" },
        "env-dir": { type: "string" },
        "pip-index-url": { type: "string" },
        "pip-find-links": { type: "string", multiple: true },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new AgentConfigError(`${(error as Error).message} (see --help)`);
  }
  const problems: string[] = [];
  const apiUrl = (values["api-url"] ?? env.PIPEBOOK_API_URL ?? "").replace(/\/+$/, "");
  if (!apiUrl) problems.push("--api-url (or PIPEBOOK_API_URL) is required");
  else if (!/^https?:\/\/[^/]+/.test(apiUrl))
    problems.push(`--api-url must be an http(s) URL (got "${apiUrl}")`);
  const keyFile = values["api-key-file"] ?? env.PIPEBOOK_API_KEY_FILE;
  if (keyFile && values["api-key"]) problems.push("give --api-key or --api-key-file, not both");
  const apiKey =
    values["api-key"] ?? (keyFile ? readKeyFile(keyFile, problems) : env.PIPEBOOK_API_KEY) ?? "";
  if (!apiKey && !keyFile)
    problems.push("an API key is required: PIPEBOOK_API_KEY, --api-key-file PATH or --api-key");
  const isolation = (values.isolation ?? env.PIPEBOOK_ISOLATION ?? "auto") as IsolationMode;
  if (!ISOLATION_MODES.includes(isolation))
    problems.push(`--isolation must be one of ${ISOLATION_MODES.join(", ")} (got "${isolation}")`);
  const hide = (values.hide ?? env.PIPEBOOK_HIDE?.split(":") ?? [])
    .filter(Boolean)
    .map((p) => path.resolve(p));
  const parentFd = values["parent-fd"];
  if (parentFd !== undefined && !/^([3-9]|[1-9]\d+)$/.test(parentFd))
    problems.push(
      `--parent-fd must be an inherited file descriptor, 3 or more (got "${parentFd}")`,
    );
  const extraTaskEnv = list(values["task-env"] ?? env.PIPEBOOK_TASK_ENV);
  for (const name of extraTaskEnv.filter(forbiddenTaskVariable))
    problems.push(`--task-env: ${name} is never given to tasks (no PIPEBOOK_* nor DATABASE_URL)`);
  const queues = list(values.queue ?? env.PIPEBOOK_QUEUES);
  const tags = list(
    [...(values.tags ?? []), ...(values.tag ?? [])].length
      ? [...(values.tags ?? []), ...(values.tag ?? [])]
      : env.PIPEBOOK_TAGS,
  );
  const concurrency = positiveInt(
    values.concurrency ?? env.PIPEBOOK_CONCURRENCY,
    4,
    "--concurrency",
    problems,
  );
  const taskConcurrency = positiveInt(
    values["task-concurrency"],
    Math.max(2, os.cpus().length),
    "--task-concurrency",
    problems,
  );
  const graceSeconds = values["grace-period"] ?? "30";
  if (!/^\d+(\.\d+)?$/.test(graceSeconds))
    problems.push(`--grace-period must be seconds (got "${graceSeconds}")`);
  const daskScheduler = values["dask-scheduler"] || env.PIPEBOOK_DASK_SCHEDULER || undefined;
  const daskProblem = daskScheduler && daskSchedulerProblem(daskScheduler);
  if (daskProblem) problems.push(`--dask-scheduler: ${daskProblem}`);
  const pipIndexUrl = values["pip-index-url"] || env.PIPEBOOK_PIP_INDEX_URL || undefined;
  if (pipIndexUrl && !/^(https?|file):\/\/\S+$/.test(pipIndexUrl))
    problems.push(`--pip-index-url must be an http(s) or file URL (got "${pipIndexUrl}")`);
  const pipFindLinks = list(values["pip-find-links"] ?? env.PIPEBOOK_PIP_FIND_LINKS).map((link) =>
    /^[a-z]+:\/\//.test(link) ? link : path.resolve(link),
  );
  for (const link of pipFindLinks) {
    if (!/^[a-z]+:\/\//.test(link) && !fs.existsSync(link))
      problems.push(`--pip-find-links: ${link} does not exist`);
  }
  if (problems.length) throw new AgentConfigError(problems.join("\n"));
  const workDir = path.resolve(
    values["work-dir"] ?? path.join(os.tmpdir(), `pipebook-agent-${process.getuid?.() ?? "user"}`),
  );
  const taskEnv = taskEnvironment(env, extraTaskEnv);
  return {
    apiUrl,
    apiKey,
    name: values.name ?? os.hostname(),
    queues: queues.length ? queues : ["default"],
    tags,
    concurrency,
    taskConcurrency,
    workDir,
    gracePeriodMs: Number(graceSeconds) * 1000,
    python: values.python || env.PIPEBOOK_PYTHON || "python3",
    node: process.execPath,
    isolation,
    hide,
    ...(parentFd !== undefined ? { parentFd: Number(parentFd) } : {}),
    taskEnv,
    ...(daskScheduler ? { daskScheduler } : {}),
    environments: environmentSettings(
      env,
      path.resolve(values["env-dir"] ?? env.PIPEBOOK_ENV_DIR ?? path.join(workDir, "envs")),
      taskEnv,
      { ...(pipIndexUrl ? { indexUrl: pipIndexUrl } : {}), findLinks: pipFindLinks },
    ),
  };
}
