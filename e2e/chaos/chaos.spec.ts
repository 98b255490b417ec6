// `npm run test:chaos`: 300 runs through two server replicas on one PostgreSQL and ten agents
// while the world around them fails — a random agent SIGKILLed every few seconds (and replaced),
// the leading replica killed and later stopped and started again, one agent on another host cut
// off for 20 s and another for 60 s. Afterwards every run is final, no run or task reached
// Completed twice, no open run was ever left without a live lease (sampled every second), and
// every task process's numbered log lines are stored once each, without a gap.
import { expect, test } from "@playwright/test";
import pg from "pg";
import { startAgent, stopAllAgents, type AgentProcess } from "../support/agents.ts";
import { leaderAndFollower, REPLICAS_KEY, twoReplicas } from "../support/replicas.ts";
import { remoteHost, type RemoteHost } from "../support/remote-host.ts";
import type { ServerProcess } from "../support/server-process.ts";
import { ChaosApi } from "./chaos-api.ts";
import { runOutcome, type RunOutcome } from "./outcomes.ts";

const RUNS = 300;
const LOCAL_AGENTS = 8;
// Short leases (6 s, renewed every 2 s) so that takeovers happen within the test's minutes; the
// default re-attach grace, written out because the lease check below counts on it.
const LEASE_SECONDS = 6;
const GRACE_SECONDS = 120;
const SERVER_ENV = {
  PIPEBOOK_LEASE_SECONDS: String(LEASE_SECONDS),
  PIPEBOOK_REATTACH_GRACE_SECONDS: String(GRACE_SECONDS),
};
// How late the reaper may end an open run whose lease is over before it counts as a zombie: a
// leader killed just then is replaced after its 5 s leader lease (+1 s renew), and the new
// leader waits one run lease before its first pass (so that agents that lost the old leader can
// renew first); plus slack for two busy cores.
const ZOMBIE_AFTER_MS = (5 + 1 + LEASE_SECONDS + 9) * 1000;

// Most runs are short (10 lines in 1 s); one in ten is long (40 lines in 10 s), so that cuts and
// kills also land in the middle of a task. Two runs in three may be retried by the flow.
const SHORT = { lines: 10, every: 0.1 };
const LONG = { lines: 40, every: 0.25 };

test.afterEach(async () => {
  await stopAllAgents();
});

test("chaos: kills, replica restarts and network cuts lose no run, line or lease, and double none", async () => {
  test.setTimeout(9 * 60_000);
  const hosts: RemoteHost[] = [remoteHost(), remoteHost()];
  const replicas = await twoReplicas("chaos", SERVER_ENV, { host: "0.0.0.0" });
  const db = new pg.Client({ connectionString: replicas.databaseUrl });
  await db.connect();
  const zombies: string[] = [];
  let sampling: Promise<void> | undefined;
  let stopSampling = false;
  try {
    const api = new ChaosApi(replicas.servers, REPLICAS_KEY);
    const deployments = await api.deployAll({ SHORT, LONG });
    const urls = replicas.servers.map((s) => s.url);
    const agents: AgentProcess[] = [];
    const launchLocal = (i: number) =>
      startAgent({
        apiUrl: urls[i % 2]!,
        queues: ["chaos"],
        apiKey: REPLICAS_KEY,
        concurrency: 3,
        extraArgs: ["--name", `local-${i}`],
      });
    for (let i = 0; i < LOCAL_AGENTS; i++) agents.push(launchLocal(i));
    const remote = hosts.map((host, i) =>
      startAgent({
        apiUrl: `http://${host.hostIp}:${new URL(urls[i]!).port}`,
        queues: ["chaos"],
        apiKey: REPLICAS_KEY,
        concurrency: 3,
        prefix: host.prefix,
        extraArgs: ["--name", `remote-${i}`],
      }),
    );
    await Promise.all([...agents, ...remote].map((a) => a.waitFor(/connected to/)));

    sampling = (async () => {
      while (!stopSampling) {
        zombies.push(...(await openRunsWithoutLease(db)));
        await new Promise((r) => setTimeout(r, 1_000));
      }
    })();

    // The chaos, on its own clock, while the runs are triggered at ~5 per second.
    const started = Date.now();
    const at = (seconds: number) =>
      new Promise((r) => setTimeout(r, Math.max(0, started + seconds * 1000 - Date.now())));
    const events: string[] = [];
    const note = (what: string) => {
      events.push(`${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
    };
    // The runs each cut-off agent held when its link went down, and when that was.
    const heldAtCut = new Map<string, number>();
    // What the replicas said about leading the background services, for a failure's story.
    const leadership: string[] = [];
    const cut = async (i: number, from: number, seconds: number) => {
      await at(from);
      // Cut it while it holds runs (it may be between runs at that second).
      let held = await heldBy(db, `remote-${i}`);
      for (let tries = 0; held.length === 0 && tries < 100; tries++) {
        await new Promise((r) => setTimeout(r, 100));
        held = await heldBy(db, `remote-${i}`);
      }
      hosts[i]!.cut();
      for (const id of held) heldAtCut.set(id, Date.now());
      note(`cut remote-${i}, which held ${held.length} runs`);
      await at(from + seconds);
      hosts[i]!.restore();
      note(`restored remote-${i}`);
    };
    const kills = (async () => {
      let n = 0;
      while (Date.now() - started < 70_000) {
        await new Promise((r) => setTimeout(r, 2_000 + Math.random() * 2_000));
        const victim = Math.floor(Math.random() * LOCAL_AGENTS);
        await agents[victim]!.stop("SIGKILL");
        agents[victim] = launchLocal(LOCAL_AGENTS + n++);
        note(`SIGKILL local agent ${victim}`);
      }
    })();
    const restarts = (async () => {
      for (const [when, signal] of [
        [20, "SIGKILL"],
        [45, "SIGTERM"],
      ] as const) {
        await at(when);
        const [leader] = await leaderAndFollower(replicas.servers);
        const index = replicas.servers.indexOf(leader) as 0 | 1;
        note(`${signal} the leading replica ${index}`);
        leadership.push(...leadershipLines(leader));
        await replicas.restart(index, signal);
        note(`replica ${index} is back`);
      }
    })();
    const chaos = Promise.all([cut(0, 8, 20), cut(1, 12, 60), kills, restarts]);
    const long = new Set<string>();
    const triggered: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      await at(i / 5);
      const kind = i % 10 === 0 ? "LONG" : "SHORT";
      const id = await api.trigger(deployments[kind][i % 3 ? 0 : 1]);
      triggered.push(id);
      if (kind === "LONG") long.add(id);
    }
    await chaos;
    note("chaos over");

    const finals = await api.waitAllFinal(triggered, 150_000);
    stopSampling = true;
    await sampling;
    console.log(events.join("\n"));
    for (const server of replicas.servers) leadership.push(...leadershipLines(server));
    console.log(leadership.sort().join("\n"));
    const outcomes: RunOutcome[] = [];
    for (const id of triggered) {
      const [events, lines] = await Promise.all([api.history(id), api.logLines(id)]);
      outcomes.push(
        runOutcome(id, finals.get(id)!, events, lines, {
          lines: long.has(id) ? LONG.lines : SHORT.lines,
          cutAt: heldAtCut.get(id),
        }),
      );
    }
    const count = (state: string) => [...finals.values()].filter((s) => s === state).length;
    console.log(
      `${RUNS} runs: ${count("Completed")} Completed, ${count("Crashed")} Crashed, ${count("Failed")} Failed; ` +
        `${outcomes.filter((o) => o.takenOver).length} taken over by a flow retry, ` +
        `${outcomes.filter((o) => o.reattached).length} re-attached after a silence; ` +
        `${heldAtCut.size} runs held by the cut agents`,
    );
    expect(outcomes.flatMap((o) => o.problems)).toEqual([]);
    expect(zombies).toEqual([]);
    // The chaos must not have made every run fail: most complete, retried or re-attached.
    expect(count("Completed")).toBeGreaterThan(RUNS * 0.7);
    expect(heldAtCut.size).toBeGreaterThan(0);
  } finally {
    stopSampling = true;
    await sampling;
    await stopAllAgents();
    await db.end();
    await replicas.stop();
    for (const host of hosts) host.remove();
  }
});

/**
 * Open runs past the moment the reaper must end them: when their lease ended — plus the re-attach
 * grace for a run without flow-level retries left (it may still re-attach until then; a dead
 * agent's leases are set back by the grace: leases.ts shortenLeases) — by more than
 * ZOMBIE_AFTER_MS.
 */
async function openRunsWithoutLease(db: pg.Client): Promise<string[]> {
  try {
    const { rows } = await db.query<{ line: string }>(
      `WITH open AS (
         SELECT r.id, r.state, r."agentId", r."leaseExpiresAt" + CASE
             WHEN r.state = 'Cancelling' OR r.attempt <= r."maxRetries" THEN interval '0'
             ELSE $2 * interval '1 second' END AS deadline
           FROM "FlowRun" r WHERE r.state IN ('Pending', 'Running', 'Cancelling'))
       SELECT o.id || ' ' || o.state || ' (agent ' || coalesce(a.name, '-') || ') '
              || coalesce(round(extract(epoch FROM now() - o.deadline)::numeric, 1) || ' s past its end', 'without a lease')
              || ' at ' || to_char(now() AT TIME ZONE 'UTC', 'HH24:MI:SS.MS') || '; leader: '
              || coalesce((SELECT holder || ' until ' || to_char("expiresAt" AT TIME ZONE 'UTC', 'HH24:MI:SS.MS')
                             FROM "LeaderLease" LIMIT 1), 'none') AS line
         FROM open o LEFT JOIN "Agent" a ON a.id = o."agentId"
        WHERE o.deadline IS NULL OR o.deadline < now() - $1 * interval '1 millisecond'`,
      [ZOMBIE_AFTER_MS, GRACE_SECONDS],
    );
    return rows.map((r) => r.line);
  } catch (error) {
    return [`the sampler failed: ${(error as Error).message}`];
  }
}

function leadershipLines(server: ServerProcess): string[] {
  return server
    .output()
    .split("\n")
    .filter((line) => /leads the background services|no longer leads|lease reaper/.test(line));
}

async function heldBy(db: pg.Client, agentName: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM "FlowRun" r JOIN "Agent" a ON a.id = r."agentId"
      WHERE a.name = $1 AND r.state IN ('Pending', 'Running')`,
    [agentName],
  );
  return rows.map((r) => r.id);
}
