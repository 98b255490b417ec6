// The log pipeline's figures against a real server and one real agent: how fast a task's printed
// lines reach the database (a task printing as fast as it can; every line checked once and in
// order), and how fast the API answers the reads a virtualised log viewer makes on that run.
import { now, stats } from "./harness.mjs";

const PRINTERS = {
  python: (n) => `def main():\n    for i in range(${n}):\n        print(i)\n`,
  typescript: (n) =>
    `export default function main() {\n  for (let i = 0; i < ${n}; i++) console.log(i);\n}\n`,
  shell: (n) => `seq 0 ${n - 1}\n`,
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Lines/s from the task's first printed line to the last line stored; checks count and order. */
export async function benchIngestion(api, language, lines) {
  const deployment = await api.deploy(
    { name: `bench-logs-${language}`, tasks: [{ name: "printer", language, code: PRINTERS[language](lines) }] },
    "bench",
  ); // prettier-ignore
  const id = await api.trigger(deployment);
  let stored = 0;
  let t1 = 0;
  for (const deadline = now() + 600_000; now() < deadline;) {
    const run = await api.get(id);
    stored = run.logLines;
    if (stored >= lines) {
      t1 = now();
      break;
    }
    if (["Failed", "Crashed", "Cancelled"].includes(run.state)) {
      throw new Error(`run ${id} ended ${run.state}: ${JSON.stringify(run.taskRuns[0]?.error)}`);
    }
    await sleep(20);
  }
  const first = (await api.call("GET", `/api/v1/flow-runs/${id}/logs?limit=1`)).logs[0];
  const t0 = Date.parse(first.timestamp);
  // Wall clock of the first line (stamped by the agent on this machine) vs this process's clock.
  const seconds = (performance.timeOrigin + (t1 - performance.timeOrigin) - t0) / 1000;
  await api.wait(id);
  await checkOrder(api, id, lines);
  return { id, lines, seconds, rate: lines / seconds };
}

async function checkOrder(api, id, lines) {
  let expected = 0;
  let after;
  for (;;) {
    const page = await api.call(
      "GET",
      `/api/v1/flow-runs/${id}/logs?limit=5000${after ? `&after=${after}` : ""}`,
    );
    for (const line of page.logs) {
      if (line.task !== "printer") continue;
      if (line.message !== String(expected)) {
        throw new Error(`run ${id}: line ${expected} reads ${JSON.stringify(line.message)}`);
      }
      expected++;
    }
    if (page.next === null || page.logs.length === 0) break;
    after = page.next;
  }
  if (expected !== lines)
    throw new Error(`run ${id}: ${expected} printed lines stored of ${lines}`);
}

export { stats };
