// Fan-out (issue 12): 10,000 mapped items of a trivial task on one agent (mapConcurrency 16),
// trigger → the flow run Completed with every item's states and result recorded; in Python and
// in TypeScript. And a chain of two mapped tasks over 10,000 items, item by item: its time, and
// whether the second task's first item started before the first task's last item ended (from
// the items' recorded times).
const ITEMS = 10_000;

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
    // A first, smaller-scale pass warms the kernels and the server's paths.
    const r = await runOnce(api, deployment);
    const result = r.run.taskRuns[0].result;
    if (result.length !== ITEMS || result[ITEMS - 1] !== (ITEMS - 1) * 2) {
      throw new Error(`${label}: wrong fan-in result`);
    }
    await checkItems(api, r.id, "each", (i) => i * 2);
    out[label] = r;
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
  const c = await runOnce(api, chain);
  const first = await checkItems(api, c.id, "first", (i) => i * 2);
  const second = await checkItems(api, c.id, "second", (i) => i * 2 + 1);
  out.chain = {
    ...c,
    overlapMs:
      Math.max(...first.map(([, end]) => end)) - Math.min(...second.map(([start]) => start)),
  };
  return out;
}
