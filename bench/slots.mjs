// Concurrency slots (issue 11): a freed slot is taken by the next waiting run in ≤ 100 ms (p95)
// after the previous run ends — woken by the run's end, not a retry timer. A tag limit of 1 and
// two real agents that could both run: every run after the first waits for the one before it,
// so each gap between a run's end and the next run's claim (Pending), both from the runs' state
// history, is one slot handoff. Also the dispatch cost of the claim while limits exist (the
// serialized claim) against the same server without any limit (the one-statement claim). Its own
// server: a limit anywhere puts every claim of a server on the serialized path.
import { client, now, startAgent, startServer, stats } from "./harness.mjs";

const RUNS = 41;
const DISPATCHES = 50;

async function history(api, id) {
  return (await api.call("GET", `/api/v1/flow-runs/${id}/history`)).events.filter(
    (e) => e.task === null,
  );
}

async function dispatch(api, deployment) {
  const samples = [];
  for (let i = 0; i < DISPATCHES; i++) {
    await new Promise((r) => setTimeout(r, 100)); // an idle agent, as in the dispatch bench
    const t0 = now();
    const run = await api.wait(await api.trigger(deployment));
    samples.push(run.taskRuns[0].result - t0);
  }
  return stats(samples);
}

export async function benchSlots() {
  const server = await startServer();
  const api = client(server.url);
  const agents = [];
  try {
    const task = {
      language: "typescript",
      code: "export default () => performance.timeOrigin + performance.now();\n",
    };
    const flow = { name: "slots", tasks: [{ name: "t", ...task }] };
    await api.call("POST", "/api/v1/flows", flow);
    const deploy = async (name, tags) =>
      (
        await api.call("POST", "/api/v1/deployments", {
          flow: "slots",
          name,
          workQueue: "slots",
          tags,
        })
      ).id;
    const limited = await deploy("limited", ["slot"]);
    const free = await deploy("free", []);
    for (let i = 0; i < 2; i++) {
      agents.push(await startAgent(server.url, "slots", { tags: ["slot"], concurrency: 2 }));
    }
    for (let i = 0; i < 5; i++) await api.wait(await api.trigger(free)); // warm kernels
    const unlimited = await dispatch(api, free);

    await api.call("PUT", "/api/v1/concurrency-limits/tags/slot", { limit: 1 });
    const underLimits = await dispatch(api, free);

    const ids = [];
    for (let i = 0; i < RUNS; i++) ids.push(await api.trigger(limited));
    for (const id of ids) {
      const run = await api.wait(id);
      if (run.state !== "Completed") throw new Error(`run ${id} ended ${run.state}`);
    }
    const spans = [];
    for (const id of ids) {
      const events = await history(api, id);
      spans.push({
        claimed: Date.parse(events.find((e) => e.to === "Pending").at),
        ended: Date.parse(events.find((e) => e.to === "Completed").at),
      });
    }
    spans.sort((a, b) => a.claimed - b.claimed);
    const handoffs = spans.slice(1).map((s, i) => s.claimed - spans[i].ended);
    const overlaps = handoffs.filter((h) => h < 0).length;
    return { handoff: stats(handoffs), overlaps, unlimited, underLimits };
  } finally {
    for (const agent of agents) agent.kill("SIGKILL");
    await server.stop();
  }
}
