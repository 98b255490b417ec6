// Two server replicas on one PostgreSQL database, as behind a load balancer: the agent reports
// to one, the browser watches the run on the other, and the run page still changes live (the
// change travels between replicas by PostgreSQL NOTIFY, not by the page's 10 s re-check). Both
// schedule: each slot's run is made once, and when one replica dies the other carries on.
import pg from "pg";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { REPLICAS_KEY, twoReplicas } from "./support/replicas.ts";
import { signIn } from "./support/studio.ts";

const KEY = REPLICAS_KEY;

test.afterEach(async () => {
  await stopAllAgents();
});

test("the run page follows a run live through another replica", async ({ page, playwright }) => {
  test.setTimeout(180_000);
  const replicas = await twoReplicas("replicas");
  try {
    const [agentSide, browserSide] = replicas.servers;
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
    await replicas.stop();
  }
});

test("two replicas schedule a 2-second interval for 60 s: each slot's run once, also after one is killed", async ({
  playwright,
}) => {
  test.setTimeout(180_000);
  const replicas = await twoReplicas("sched_replicas");
  const db = new pg.Client({ connectionString: replicas.databaseUrl });
  try {
    const [doomed, survivor] = replicas.servers;
    await db.connect();
    const api = await playwright.request.newContext({
      baseURL: survivor.url,
      extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
    });
    const deployment = await deployFlow(
      api,
      { name: uniqueName("every2s"), tasks: [{ name: "a", language: "shell", code: "true" }] },
      { workQueue: uniqueName("q") },
    );
    const added = await api.post(`/api/v1/deployments/${deployment.id}/schedules`, {
      data: { interval: "2s" },
    });
    expect(added.status(), await added.text()).toBe(201);
    const { id: scheduleId } = (await added.json()) as { id: string };
    const started = Date.now();
    const until = (ms: number) => new Promise((r) => setTimeout(r, started + ms - Date.now()));

    await until(30_000);
    await doomed.stop("SIGKILL");
    await until(60_000);
    const end = Date.now();

    const { rows } = await db.query<{ at: Date; runs: number }>(
      `SELECT "scheduledAt" AS at, count(*)::int AS runs FROM "FlowRun"
       WHERE "scheduleId" = $1 AND "scheduledAt" <= $2 GROUP BY 1 ORDER BY 1`,
      [scheduleId, new Date(end)],
    );
    // Every 2-second slot from the first to now has exactly one run: no gap where the replica
    // died, none doubled while both stepped.
    const slots = rows.map((r) => r.at.getTime());
    expect(rows.every((r) => r.runs === 1)).toBe(true);
    expect(slots[0]! - started).toBeLessThanOrEqual(2_000);
    const gaps = slots.slice(1).filter((t, i) => t - slots[i]! !== 2_000);
    expect(gaps).toEqual([]);
    expect(slots.length).toBeGreaterThanOrEqual(29);
    expect(end - slots.at(-1)!).toBeLessThanOrEqual(2_000);
    await api.dispose();
  } finally {
    await db.end().catch(() => undefined);
    await replicas.stop();
  }
});
