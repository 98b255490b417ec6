// For integration tests that need the real agent: the API served from this process over HTTP
// (the production route table, on the test file's database — see serveFrom) and agent processes
// started from the very bundle a VM downloads (dist/pipebook-agent.mjs; `npm ci` and `npm test`
// build it). Tasks run as the agent's real child processes.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { bootstrapAuth } from "../../server/auth/bootstrap.ts";
import { serveApiRequest } from "../../server/api/node-adapter.ts";
import type { DatabaseHandle } from "../../server/db/client.ts";
import { serveFrom } from "./database.ts";
import { inheritedEnv } from "./test-settings.ts";

const AGENT_BUNDLE = path.resolve(import.meta.dirname, "../../dist/pipebook-agent.mjs");
const API_KEY = "pb_live_agent_test_key_0123456789abcdef";

export type LiveServer = { readonly url: string; readonly apiKey: string };

/** Serves the API for the file's tests; agents and test code reach it at `.url`. */
export function liveServer(test: { readonly handle: DatabaseHandle }): LiveServer {
  serveFrom(test);
  let server: http.Server | undefined;
  const live = { url: "", apiKey: API_KEY };
  beforeAll(async () => {
    await bootstrapAuth(test.handle, { home: os.tmpdir(), bootstrapApiKey: API_KEY });
    server = http.createServer((req, res) => void serveApiRequest(req, res));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    live.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await stopAgents();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return live;
}

export type LiveAgent = {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
};

const agents = new Set<LiveAgent>();

export function startLiveAgent(
  server: LiveServer,
  options: { queue?: string; args?: string[]; env?: Record<string, string> } = {},
): LiveAgent {
  if (!fs.existsSync(AGENT_BUNDLE)) {
    throw new Error(`${AGENT_BUNDLE} is missing: run node scripts/build-bundles.mjs`);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-live-agent-"));
  const child = spawn(
    process.execPath,
    [
      AGENT_BUNDLE,
      "start",
      "--api-url",
      server.url,
      "--queue",
      options.queue ?? "default",
      "--work-dir",
      workDir,
      ...(options.args ?? []),
    ],
    {
      env: { ...inheritedEnv(), ...options.env, PIPEBOOK_API_KEY: server.apiKey },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const agent: LiveAgent = {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
      fs.rmSync(workDir, { recursive: true, force: true });
      agents.delete(agent);
    },
  };
  agents.add(agent);
  return agent;
}

export async function stopAgents(): Promise<void> {
  await Promise.all([...agents].map((a) => a.stop()));
}
