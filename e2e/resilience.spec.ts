// Failures of the world around a run: the server restarting under it, and an agent on another
// host (a network namespace with its own address) losing its network for 30 s.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { allLogs, startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { startServer, tempHome, type ServerProcess } from "./support/server-process.ts";

const KEY = "resilience-spec-bootstrap-key-0123456789";

test.afterEach(async () => {
  await stopAllAgents();
});

async function deployAndTrigger(
  api: APIRequestContext,
  flow: Record<string, unknown>,
  queue: string,
) {
  expect((await api.post("/api/v1/flows", { data: flow })).status()).toBe(201);
  const deployment = await (
    await api.post("/api/v1/deployments", {
      data: { flow: flow.name, name: "d", workQueue: queue },
    })
  ).json();
  return {
    deploymentId: deployment.id as string,
    trigger: async () =>
      (await (await api.post(`/api/v1/deployments/${deployment.id}/runs`, { data: {} })).json())
        .id as string,
  };
}

test("the server restarted mid-run: the run completes, no log line lost or duplicated", async ({
  playwright,
}) => {
  test.setTimeout(180_000);
  const home = tempHome();
  const port = await freePort("127.0.0.1");
  const env = { PIPEBOOK_HOME: home, PIPEBOOK_BOOTSTRAP_API_KEY: KEY };
  let server: ServerProcess = await startServer(["--port", String(port)], env);
  const api = await playwright.request.newContext({
    baseURL: server.url,
    extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
  });
  const { trigger } = await deployAndTrigger(
    api,
    {
      name: "chatty",
      tasks: [
        {
          name: "count",
          language: "python",
          code: "import time\ndef main():\n    for i in range(1, 121):\n        print(f'line {i}')\n        time.sleep(0.05)\n    return 120\n",
        },
        { name: "after", language: "shell", dependsOn: ["count"], code: 'echo "counted $COUNT"' },
      ],
    },
    "default",
  );
  startAgent({ apiUrl: server.url, queues: ["default"], apiKey: KEY });
  const id = await trigger();
  await expect
    .poll(async () => (await allLogs(api, id)).length, { timeout: 20_000 })
    .toBeGreaterThan(10);

  expect(await server.stop()).toBe(0);
  await new Promise((r) => setTimeout(r, 3_000));
  server = await startServer(["--port", String(port)], env);

  const run = await waitForRun(api, id, { timeoutMs: 60_000 });
  expect(run.state).toBe("Completed");
  expect(run.taskRuns.map((t) => t.result)).toEqual([120, "counted 120"]);
  const lines = (await allLogs(api, id)).filter((l) => l.task === "count").map((l) => l.message);
  expect(lines).toEqual(Array.from({ length: 120 }, (_, i) => `line ${i + 1}`));
  await api.dispose();
  await server.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

test("an agent on another host (a network namespace) runs flows, loses its link for 30 s, reconnects and carries on", async ({
  playwright,
}) => {
  test.setTimeout(180_000);
  const suffix = crypto.randomBytes(3).toString("hex");
  const ns = `pb${suffix}`;
  const hostIf = `pbh${suffix}`;
  const agentIf = `pba${suffix}`;
  const subnet = `10.${200 + (parseInt(suffix.slice(0, 2), 16) % 50)}.${parseInt(suffix.slice(2, 4), 16)}`;
  const hostIp = `${subnet}.1`;
  const agentIp = `${subnet}.2`;
  const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
  ip("netns", "add", ns);
  let server: ServerProcess | undefined;
  try {
    ip("link", "add", hostIf, "type", "veth", "peer", "name", agentIf);
    ip("link", "set", agentIf, "netns", ns);
    ip("addr", "add", `${hostIp}/24`, "dev", hostIf);
    ip("link", "set", hostIf, "up");
    ip("netns", "exec", ns, "ip", "addr", "add", `${agentIp}/24`, "dev", agentIf);
    ip("netns", "exec", ns, "ip", "link", "set", agentIf, "up");
    ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");

    // The server listens on the host's end of the link only; the agent reaches it from its own host.
    const port = await freePort(hostIp);
    server = await startServer(["--host", hostIp, "--port", String(port)], {
      PIPEBOOK_HOME: tempHome(),
      PIPEBOOK_BOOTSTRAP_API_KEY: KEY,
    });
    const api = await playwright.request.newContext({
      baseURL: server.url,
      extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
    });

    // The VM's install: download the single-file agent from the server, run it with only Node.
    const vm = fs.mkdtempSync(path.join(os.tmpdir(), "pb-vm-"));
    const bundle = path.join(vm, "pipebook-agent.mjs");
    fs.writeFileSync(bundle, await (await api.get("/agent/pipebook-agent.mjs")).body());
    const { trigger } = await deployAndTrigger(
      api,
      {
        name: "remote",
        tasks: [
          {
            name: "where",
            language: "shell",
            code: "hostname -I 2>/dev/null || ip -4 addr show | grep -o 'inet [0-9.]*' | tail -1",
          },
        ],
      },
      "remote-vms",
    );
    const agent = startAgent({
      apiUrl: server.url,
      queues: ["remote-vms"],
      apiKey: KEY,
      bundle,
      prefix: ["ip", "netns", "exec", ns],
    });
    await agent.waitFor(/connected to/);

    const first = await waitForRun(api, await trigger());
    expect(first.state).toBe("Completed");
    expect(String(first.taskRuns[0]!.result)).toContain(agentIp);

    ip("link", "set", hostIf, "down");
    await new Promise((r) => setTimeout(r, 30_000));
    ip("link", "set", hostIf, "up");

    const second = await waitForRun(api, await trigger(), { timeoutMs: 60_000 });
    expect(second.state).toBe("Completed");
    expect(agent.output()).toMatch(/lost the server: .*retrying/);
    expect(agent.output()).toContain("reconnected to the server");
    await api.dispose();
  } finally {
    await stopAllAgents();
    await server?.stop();
    try {
      ip("link", "delete", hostIf);
    } catch {
      // Went with the namespace.
    }
    ip("netns", "delete", ns);
  }
});

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
