// Fan-out (issue 12): 10,000 mapped items of a trivial task on one agent (mapConcurrency 16),
// trigger → the flow run Completed with every item's states and result recorded; in Python and
// in TypeScript. And a chain of two mapped tasks over 10,000 items, item by item: its time, and
// whether the second task's first item started before the first task's last item ended (from
// the items' recorded times). Each workload runs BENCH_ROUNDS times (default 3): this VM's speed
// varies from one minute to the next, so one run says little.
const ITEMS = 10_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function flow(name, tasks) {
  return {
    name,
    parameters: {
      type: "object",
      properties: { items: { type: "array", items: { type: "integer" } } },
    },
    tasks,
  };
}

const PY = { language: "python", code: "def main(items):\n    return items * 2\n" };
const TS = {
  language: "typescript",
  code: "export default ({ items }: { items: number }) => items * 2;\n",
};

async function runOnce(api, deployment) {
  const items = Array.from({ length: ITEMS }, (_, i) => i);
  const t0 = performance.now();
  const { id } = await api.call("POST", `/api/v1/deployments/${deployment}/runs`, {
    parameters: { items },
  });
  let run = await api.wait(id);
  while (!["Completed", "Failed", "Cancelled", "Crashed"].includes(run.state))
    run = await api.wait(id);
  const client = performance.now() - t0;
  if (run.state !== "Completed")
    throw new Error(`run ${id} ended ${run.state}: ${JSON.stringify(run.taskRuns)}`);
  return { id, run, client, server: Date.parse(run.endedAt) - Date.parse(run.createdAt) };
}

/** Every item of `task` recorded Completed with its result (read back through the items API). */
async function checkItems(api, id, task, expected) {
  let offset = 0;
  let seen = 0;
  const spans = [];
  for (;;) {
    const page = await api.call(
      "GET",
      `/api/v1/flow-runs/${id}/tasks/${task}/items?offset=${offset}&limit=1000`,
    );
    for (const item of page.items) {
      if (item.state !== "Completed" || item.result !== expected(item.index)) {
        throw new Error(`item ${item.index} of ${task}: ${JSON.stringify(item)}`);
      }
      spans.push([Date.parse(item.startedAt), Date.parse(item.endedAt)]);
      seen++;
    }
    if (page.next === null || page.items.length === 0) break;
    offset += page.items.length;
  }
  if (seen !== ITEMS) throw new Error(`${task}: ${seen} items recorded, not ${ITEMS}`);
  return spans;
}

/** `ROUNDS` runs of `deployment`, each checked; the runs, and the median's. */
async function rounds(api, deployment, check) {
  const runs = [];
  for (let i = 0; i < ROUNDS; i++) {
    const r = await runOnce(api, deployment);
    runs.push({ ...r, ...(await check(r)) });
  }
  const sorted = [...runs].sort((a, b) => a.client - b.client);
  return { runs, median: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted.at(-1) };
}

export async function benchMapped(api) {
  const out = {};
  for (const [label, task] of [
    ["python", PY],
    ["typescript", TS],
  ]) {
    const deployment = await api.deploy(
      flow(`bench-map-${label}`, [{ name: "each", map: "items", mapConcurrency: 16, ...task }]),
      "bench",
    );
    out[label] = await rounds(api, deployment, async (r) => {
      const result = r.run.taskRuns[0].result;
      if (result.length !== ITEMS || result[ITEMS - 1] !== (ITEMS - 1) * 2) {
        throw new Error(`${label}: wrong fan-in result`);
      }
      await checkItems(api, r.id, "each", (i) => i * 2);
      return {};
    });
  }
  const chain = await api.deploy(
    flow("bench-map-chain", [
      { name: "first", map: "items", mapConcurrency: 16, ...PY },
      {
        name: "second",
        dependsOn: ["first"],
        map: "first",
        mapConcurrency: 16,
        language: "python",
        code: "def main(first):\n    return first + 1\n",
      },
    ]),
    "bench",
  );
  out.chain = await rounds(api, chain, async (c) => {
    const first = await checkItems(api, c.id, "first", (i) => i * 2);
    const second = await checkItems(api, c.id, "second", (i) => i * 2 + 1);
    return {
      overlapMs:
        Math.max(...first.map(([, end]) => end)) - Math.min(...second.map(([start]) => start)),
    };
  });
  return out;
}

/** The rows `npm run bench` prints for this workload: [label, figure, target, met]. */
export async function mappedRows(api) {
  const rows = [];
  const m = await benchMapped(api);
  const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const runs = (r) => r.runs.map((x) => seconds(x.client)).join(", ");
  for (const [label, r] of [
    ["Python", m.python],
    ["TypeScript", m.typescript],
  ]) {
    rows.push([
      `fan-out: 10,000 mapped ${label} items on one agent (mapConcurrency 16), trigger → Completed, every item recorded (${r.runs.length} runs: ${runs(r)})`,
      `median ${seconds(r.median.client)} (${Math.round(10_000 / (r.median.client / 1000)).toLocaleString("en")} task runs/s), max ${seconds(r.max.client)}`,
      "≤ 5 s",
      r.median.client <= 5_000,
    ]);
  }
  const c = m.chain;
  rows.push([
    `fan-out: two mapped Python tasks chained item by item over 10,000 items (${c.runs.length} runs: ${runs(c)})`,
    `median ${seconds(c.median.client)}, max ${seconds(c.max.client)}; the second task's first item started ${seconds(Math.min(...c.runs.map((x) => x.overlapMs)))} or more before the first task's last item ended`,
    "≤ 10 s, and overlapping",
    c.median.client <= 10_000 && c.runs.every((x) => x.overlapMs > 0),
  ]);
  return rows;
}
