// The two load phases of `npm run bench:load` (bench/load.mjs) and what is read back after them.
// Runs are triggered through the servers in turn, as a load balancer would spread clients.
import { now, stats } from "./harness.mjs";

const FINAL = new Set(["Completed", "Failed", "Cancelled", "Crashed"]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** 10 trivial Python tasks, t0 → t1…t8 → t9; t0 returns the moment its code starts. */
export const loadFlow = (name) => ({
  name,
  tasks: Array.from({ length: 10 }, (_, i) => ({
    name: `t${i}`,
    dependsOn: i === 0 ? [] : i === 9 ? ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"] : ["t0"],
    language: "python",
    code:
      i === 0
        ? "import time\ndef main():\n    return time.time()\n"
        : "def main():\n    return 1\n",
  })),
});

/** Waits, run by run, until every run is final (each on the replica that took its trigger). */
async function settle(entries, timeoutMs = 300_000) {
  const deadline = now() + timeoutMs;
  const runs = [];
  for (const { id, api } of entries) {
    let run = await api.wait(id);
    while (!FINAL.has(run.state)) {
      if (now() > deadline) throw new Error(`run ${id} still ${run.state} after ${timeoutMs} ms`);
      run = await api.wait(id);
    }
    runs.push(run);
  }
  const failed = runs.filter((r) => r.state !== "Completed");
  if (failed.length) {
    const states = failed.map((r) => `${r.id} ${r.state}`).slice(0, 5);
    throw new Error(
      `${failed.length} of ${runs.length} runs did not complete: ${states.join(", ")}`,
    );
  }
  return runs;
}

function summary(started, entries, runs) {
  const lastEnd = Math.max(...runs.map((r) => Date.parse(r.endedAt)));
  const seconds = (lastEnd - started) / 1000;
  return {
    started,
    lastEnd,
    seconds,
    entries,
    runs,
    runsPerS: runs.length / seconds,
    // Trigger request → the run's end as the server recorded it.
    latency: stats(runs.map((r, i) => Date.parse(r.endedAt) - entries[i].t0)),
  };
}

/** Max throughput: `count` runs triggered as fast as `clients` concurrent callers can. */
export async function burst(apis, deployment, count, clients) {
  const entries = new Array(count);
  let next = 0;
  const started = now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const i = next++;
        const api = apis[i % apis.length];
        const t0 = now();
        entries[i] = { id: await api.trigger(deployment), api, t0 };
      }
    }),
  );
  const triggerSeconds = (now() - started) / 1000;
  const runs = await settle(entries);
  return { ...summary(started, entries, runs), triggerSeconds };
}

/**
 * Open loop at `rate` runs/s: each trigger leaves on its schedule whether or not earlier ones
 * were answered, so a slow server shows as latency rather than as a lower offered rate.
 */
export async function paced(apis, deployment, count, rate) {
  const pending = [];
  const started = now();
  let behind = 0;
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    if (due > now()) await sleep(due - now());
    behind = Math.max(behind, now() - due);
    const api = apis[i % apis.length];
    const t0 = now();
    pending.push(api.trigger(deployment).then((id) => ({ id, api, t0, answered: now() })));
  }
  const entries = await Promise.all(pending);
  const runs = await settle(entries);
  const dispatch = runs.map((r, i) => {
    const first = r.taskRuns.find((t) => t.name === "t0");
    return first.result * 1000 - entries[i].t0;
  });
  return {
    ...summary(started, entries, runs),
    rate,
    behind,
    dispatch: stats(dispatch),
    trigger: stats(entries.map((e) => e.answered - e.t0)),
  };
}

/** Task-level state changes of these runs (their state history) recorded within [from, to]. */
export async function taskStateChanges(entries, from, to, clients = 4) {
  let count = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < entries.length) {
        const { id, api } = entries[next++];
        const { events } = await api.call("GET", `/api/v1/flow-runs/${id}/history`);
        for (const e of events) {
          const at = Date.parse(e.at);
          if (e.task !== null && at >= Math.floor(from) && at <= to) count++;
        }
      }
    }),
  );
  return count;
}

/** How many runs each agent took (by agent id), lowest and highest. */
export function spread(runs, agents) {
  const taken = new Map();
  for (const r of runs) taken.set(r.agent?.id, (taken.get(r.agent?.id) ?? 0) + 1);
  const counts = [...taken.values()];
  while (counts.length < agents) counts.push(0);
  return { min: Math.min(...counts), max: Math.max(...counts) };
}
