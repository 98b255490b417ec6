// Two server replicas on one PostgreSQL database, as behind a load balancer: the agent reports
// to one, the browser watches the run on the other, and the run page still changes live (the
// change travels between replicas by PostgreSQL NOTIFY, not by the page's 10 s re-check).
import pg from "pg";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { startServer, tempHome, type ServerProcess } from "./support/server-process.ts";
import { signIn } from "./support/studio.ts";

const KEY = "replicas-spec-bootstrap-key-0123456789";
const adminUrl =
  process.env.PIPEBOOK_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

test.afterEach(async () => {
  await stopAllAgents();
});

test("the run page follows a run live through another replica", async ({ page, playwright }) => {
  test.setTimeout(180_000);
  const database = `pipebook_replicas_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${database}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const env = { DATABASE_URL: url.toString(), PIPEBOOK_BOOTSTRAP_API_KEY: KEY };
  const servers: ServerProcess[] = [];
  try {
    // The first applies the migrations; the second finds them applied.
    servers.push(await startServer(["--port", "0"], { ...env, PIPEBOOK_HOME: tempHome() }));
    servers.push(await startServer(["--port", "0"], { ...env, PIPEBOOK_HOME: tempHome() }));
    const [agentSide, browserSide] = servers as [ServerProcess, ServerProcess];
    const api = await playwright.request.newContext({
      baseURL: agentSide.url,
      extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
    });
    const queue = uniqueName("q");
    const deployment = await deployFlow(
      api,
      {
        name: uniqueName("replicated"),
        tasks: [
          {
            name: "slow",
            language: "python",
            code: "import time\ndef main():\n    time.sleep(4)\n    return 1\n",
          },
          { name: "after", language: "shell", dependsOn: ["slow"], code: "echo done\n" },
        ],
      },
      { workQueue: queue },
    );
    const runId = await trigger(api, deployment.id);

    await signIn(page, { url: browserSide.url, key: KEY });
    await page.goto(`${browserSide.url}/runs/${runId}`);
    const node = (task: string) => page.locator(`[data-testid="run-graph"] [data-task="${task}"]`);
    await expect(node("slow")).toHaveAttribute("data-state", "Pending");
    await expect(page.getByTestId("live-status")).toHaveText("Live");

    startAgent({ apiUrl: agentSide.url, queues: [queue], apiKey: KEY });
    // Each change must reach the page well before its 10 s fallback re-check would.
    await waitForRun(api, runId, { states: ["Running"], timeoutMs: 30_000 });
    await expect(node("slow")).toHaveAttribute("data-state", "Running", { timeout: 3_000 });
    await waitForRun(api, runId, { states: ["Completed"], timeoutMs: 30_000 });
    await expect(page.getByTestId("run-state").locator("[data-state]")).toHaveText("Completed", {
      timeout: 3_000,
    });
    await expect(node("after")).toHaveAttribute("data-state", "Completed");
    await api.dispose();
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
});
