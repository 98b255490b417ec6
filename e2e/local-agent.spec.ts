// The local agent `npm start` runs beside the server, as a person at a terminal sees it: Ctrl-C
// stops both the gentle way (the running task finishes and is recorded), and the agent never
// outlives its server, even one killed with SIGKILL.
import { execFileSync } from "node:child_process";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { deployFlow, trigger, uniqueName } from "./support/fixtures.ts";
import { startServer, tempHome } from "./support/server-process.ts";

const KEY = "local-agent-spec-bootstrap-key-0123456789";
const auth = { authorization: `Bearer ${KEY}` };
const env = (home: string) => ({
  PIPEBOOK_HOME: home,
  PIPEBOOK_BOOTSTRAP_API_KEY: KEY,
  PIPEBOOK_LOCAL_AGENT: "1",
});

/** The pids of local agents serving the server on `port`. */
function agentsOf(port: string): number[] {
  return execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes("pipebook-agent.mjs start") && line.includes(`:${port} `))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

const stateOf = async (api: APIRequestContext, id: string) =>
  (await (await api.get(`/api/v1/flow-runs/${id}`)).json()) as { state: string };

test("Ctrl-C stops the server and lets its local agent finish the running task (one signal, not two)", async ({
  playwright,
}) => {
  test.setTimeout(180_000);
  const home = tempHome();
  const first = await startServer(["--port", "0"], env(home), 90_000, { ownGroup: true });
  let api = await playwright.request.newContext({ baseURL: first.url, extraHTTPHeaders: auth });
  const name = uniqueName("ctrlc");
  const deployment = await deployFlow(api, {
    name,
    tasks: [
      {
        name: "slow",
        language: "python",
        code: "import time\ndef main():\n    time.sleep(3)\n    return 'done'\n",
      },
    ],
  });
  const runId = await trigger(api, deployment.id);
  await expect.poll(async () => (await stateOf(api, runId)).state).toBe("Running");
  await api.dispose();

  // What the terminal does on Ctrl-C: SIGINT to the foreground process group.
  process.kill(-first.child.pid!, "SIGINT");
  const stopping = Date.now();
  expect(await first.exited).toBe(0);
  // The task's last seconds, not the agent's 20 s grace period and the server's 2 s on top.
  expect(Date.now() - stopping).toBeLessThan(15_000);
  const output = first.output();
  expect(output).toMatch(/\[agent\] \S+ SIGTERM received/);
  expect(output).not.toMatch(/again: (stopping every task|exiting)/);

  // Started again on the same data: the task had finished and its run was recorded Completed.
  const second = await startServer(["--port", "0"], env(home));
  api = await playwright.request.newContext({ baseURL: second.url, extraHTTPHeaders: auth });
  expect(await stateOf(api, runId)).toMatchObject({ state: "Completed" });
  await api.dispose();
  expect(await second.stop()).toBe(0);
});

test("the local agent does not outlive its server, even one killed with SIGKILL", async () => {
  test.setTimeout(120_000);
  const server = await startServer(["--port", "0"], env(tempHome()));
  const port = new URL(server.url).port;
  await expect.poll(() => server.output()).toMatch(/\[agent\] .*connected to/);
  const [agent] = agentsOf(port);
  expect(agent).toBeGreaterThan(0);

  expect(await server.stop("SIGKILL")).toBeNull();
  await expect.poll(() => agentsOf(port), { timeout: 30_000 }).toEqual([]);
});
