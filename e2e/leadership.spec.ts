// Leadership of the background services between two server replicas on one PostgreSQL
// (server/leadership/): one replica leads; SIGKILL it and the other takes over within 10 s with
// nothing lost or doubled — a 1-second schedule keeps every slot once, an agent killed just
// before is Crashed once (by the new leader) and its notification posted once; a graceful stop
// hands over within a second or so. The measured takeover times are printed (docs/benchmarks.md).
import { startReceiver } from "../test/support/webhook-receiver.ts";
import pg from "pg";
import { history, startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import {
  leaderAndFollower,
  REPLICAS_KEY,
  timeUntilLeader,
  twoReplicas,
} from "./support/replicas.ts";

test.afterEach(stopAllAgents);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("SIGKILL the leader: the other leads within 10 s; no schedule slot, lease expiry or notification lost or doubled", async ({
  playwright,
}) => {
  test.setTimeout(180_000);
  // A 4 s agent lease, so the expiry falls soon after the takeover.
  const replicas = await twoReplicas("leader_kill", { PIPEBOOK_LEASE_SECONDS: "4" });
  const hook = await startReceiver();
  const db = new pg.Client({ connectionString: replicas.databaseUrl });
  try {
    await db.connect();
    const [leader, follower] = await leaderAndFollower(replicas.servers);
    const api = await playwright.request.newContext({
      baseURL: follower.url,
      extraHTTPHeaders: { authorization: `Bearer ${REPLICAS_KEY}` },
    });

    // A schedule every second, on a queue no agent serves: its runs stay, one per slot.
    const every = await deployFlow(
      api,
      { name: uniqueName("every1s"), tasks: [{ name: "a", language: "shell", code: "true" }] },
      { workQueue: uniqueName("q") },
    );
    const added = await api.post(`/api/v1/deployments/${every.id}/schedules`, {
      data: { interval: "1s" },
    });
    expect(added.status(), await added.text()).toBe(201);
    const { id: scheduleId } = (await added.json()) as { id: string };

    // A run whose agent is killed: its lease expires after the leader died.
    const queue = uniqueName("q");
    const sleeper = await deployFlow(
      api,
      {
        name: uniqueName("sleeper"),
        tasks: [{ name: "wait", language: "shell", code: "sleep 120" }],
      },
      { workQueue: queue },
    );
    const rule = await api.post("/api/v1/notification-rules", {
      data: { name: "crashes", deploymentId: sleeper.id, events: ["crashed"], url: hook.url },
    });
    expect(rule.status(), await rule.text()).toBe(201);
    const agent = startAgent({ apiUrl: follower.url, queues: [queue], apiKey: REPLICAS_KEY });
    const runId = await trigger(api, sleeper.id);
    await waitForRun(api, runId, { states: ["Running"], timeoutMs: 30_000 });
    await sleep(5_000); // a few scheduled slots before the kill

    await agent.stop("SIGKILL");
    const killedAt = Date.now();
    await leader.stop("SIGKILL");
    const takeoverMs = await timeUntilLeader(follower);
    console.log(`leader takeover after SIGKILL: ${takeoverMs} ms`);
    expect(takeoverMs).toBeLessThan(10_000);
    // The follower ran no background service before it led.
    const out = follower.output();
    const led = out.indexOf("leads the background services now");
    expect(led).toBeGreaterThan(-1);
    expect(out.slice(0, led)).not.toContain("scheduler: created");

    // The lease expiry: handled once, by the new leader, and notified once.
    const crashed = await waitForRun(api, runId, { states: ["Crashed"], timeoutMs: 30_000 });
    expect(crashed.state).toBe("Crashed");
    const events = await history(api, runId);
    expect(events.filter((e) => e.task === null && e.to === "Crashed")).toHaveLength(1);
    await hook.until(1);

    // The schedule over the takeover and 15 s past it (beyond the 10 runs made ahead).
    const end = killedAt + takeoverMs + 15_000;
    await sleep(end - Date.now());
    const { rows } = await db.query<{ at: Date; runs: number }>(
      `SELECT "scheduledAt" AS at, count(*)::int AS runs FROM "FlowRun"
       WHERE "scheduleId" = $1 AND "scheduledAt" <= $2 GROUP BY 1 ORDER BY 1`,
      [scheduleId, new Date(end)],
    );
    const slots = rows.map((r) => r.at.getTime());
    expect(rows.filter((r) => r.runs !== 1)).toEqual([]);
    expect(slots.slice(1).filter((t, i) => t - slots[i]! !== 1_000)).toEqual([]);
    expect(slots[0]!).toBeLessThan(killedAt - 3_000);
    expect(end - slots.at(-1)!).toBeLessThanOrEqual(1_000);

    // A sweep (every 5 s) later, still one message: the new leader did not post it again.
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.body).toMatchObject({ event: "crashed", run: { id: runId } });
    await api.dispose();
  } finally {
    await db.end().catch(() => undefined);
    await hook.close();
    await replicas.stop();
  }
});

test("a leader stopped gracefully hands over at once", async () => {
  test.setTimeout(120_000);
  const replicas = await twoReplicas("leader_stop");
  try {
    const [leader, follower] = await leaderAndFollower(replicas.servers);
    const waiting = timeUntilLeader(follower);
    const stopped = leader.stop("SIGTERM");
    const takeoverMs = await waiting;
    console.log(`leader takeover after SIGTERM: ${takeoverMs} ms`);
    // The stop and one renew interval (1 s), not the 5 s lease.
    expect(takeoverMs).toBeLessThan(4_000);
    expect(await stopped).toBe(0);
    expect(leader.output()).toContain(
      "no longer leads the background services: this server is stopping",
    );
  } finally {
    await replicas.stop();
  }
});
