// Real agent processes for the end-to-end tests: the same single-file bundle a VM downloads.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { E2E_API_KEY } from "./constants.ts";

export const AGENT_BUNDLE = path.resolve(import.meta.dirname, "../../dist/pipebook-agent.mjs");

export type AgentProcess = {
  child: ChildProcess;
  output: () => string;
  /** Resolves once the output matches. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  exited: Promise<number | null>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

export type AgentOptions = {
  apiUrl: string;
  queues: string[];
  tags?: string[];
  concurrency?: number;
  apiKey?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
  /** Run it through another command first, e.g. ["ip", "netns", "exec", "ns"]. */
  prefix?: string[];
  bundle?: string;
};

const running = new Set<AgentProcess>();

export function startAgent(options: AgentOptions): AgentProcess {
  const args = [
    options.bundle ?? AGENT_BUNDLE,
    "start",
    "--api-url",
    options.apiUrl,
    "--queue",
    options.queues.join(","),
    "--work-dir",
    fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-e2e-agent-")),
    ...(options.tags?.length ? ["--tags", options.tags.join(",")] : []),
    ...(options.concurrency ? ["--concurrency", String(options.concurrency)] : []),
    ...(options.extraArgs ?? []),
  ];
  const [command, ...rest] = options.prefix
    ? [...options.prefix, process.execPath, ...args]
    : [process.execPath, ...args];
  const child = spawn(command!, rest, {
    env: { ...process.env, PIPEBOOK_API_KEY: options.apiKey ?? E2E_API_KEY, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const watchers = new Set<() => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      for (const w of watchers) w();
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  const agent: AgentProcess = {
    child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            watchers.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(
            new Error(`the agent did not print ${pattern} within ${timeoutMs} ms:\n${output}`),
          );
        }, timeoutMs);
        watchers.add(check);
        check();
      }),
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  running.add(agent);
  void exited.then(() => running.delete(agent));
  return agent;
}

/** Kills every agent a test left running (use in afterEach). */
export async function stopAllAgents(): Promise<void> {
  await Promise.all([...running].map((a) => a.stop("SIGKILL")));
}

export type RunView = {
  id: string;
  state: string;
  stateMessage: string | null;
  startedAt: string | null;
  endedAt: string | null;
  createdAt: string;
  attempt: number;
  taskRuns: {
    name: string;
    state: string;
    attempts: number;
    startedAt: string | null;
    endedAt: string | null;
    result: unknown;
    error: { type: string; message: string; upstream?: string } | null;
  }[];
};

const FINAL = ["Completed", "Failed", "Cancelled", "Crashed"];

/** Polls the run until its state is one of `states` (by default: any final state). */
export async function waitForRun(
  api: APIRequestContext,
  id: string,
  options: { states?: string[]; timeoutMs?: number } = {},
): Promise<RunView> {
  const states = options.states ?? FINAL;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last: RunView | undefined;
  while (Date.now() < deadline) {
    const response = await api.get(`/api/v1/flow-runs/${id}`);
    if (response.ok()) {
      last = (await response.json()) as RunView;
      if (states.includes(last.state)) return last;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `run ${id} did not reach ${states.join("/")} in time; last seen: ${JSON.stringify(last)}`,
  );
}

export async function allLogs(api: APIRequestContext, id: string) {
  const lines: {
    task: string | null;
    attempt: number | null;
    level: string;
    message: string;
    timestamp: string;
  }[] = [];
  let after: string | undefined;
  for (;;) {
    const page = (await (
      await api.get(`/api/v1/flow-runs/${id}/logs${after ? `?after=${after}` : ""}`)
    ).json()) as {
      logs: typeof lines;
      next: string | null;
    };
    lines.push(...page.logs);
    if (page.next === null || page.logs.length === 0) return lines;
    after = page.next;
  }
}

export async function history(api: APIRequestContext, id: string) {
  return (
    (await (await api.get(`/api/v1/flow-runs/${id}/history`)).json()) as {
      events: {
        task: string | null;
        from: string | null;
        to: string;
        attempt: number | null;
        message: string | null;
        at: string;
      }[];
    }
  ).events;
}
