// The log pipeline's figures against a real server and one real agent: how fast a task's printed
// lines reach the database (a task printing as fast as it can; every line checked once and in
// order), and how fast the API answers the reads a log viewer makes on that run of 1,000,000
// lines. `npm run bench -- logs`; BENCH_LOG_LINES changes the size.
import { KEY, now, stats } from "./harness.mjs";

const LINES = Number(process.env.BENCH_LOG_LINES ?? 1_000_000);
const SUMMARY_LINES = 1_000;

// The printer is the measured task; `summary` after it gives the task and level filters
// something to find (a warning every tenth line, on stderr).
const flow = (language, lines, secrets) => ({
  name: `bench-logs-${language}-${lines}${secrets ? "-secret" : ""}`,
  tasks: [
    {
      name: "printer",
      language,
      ...(secrets ? { secrets } : {}),
      code:
        language === "python"
          ? `def main():\n    for i in range(${lines}):\n        print(i)\n`
          : `export default function main() {\n  for (let i = 0; i < ${lines}; i++) console.log(i);\n}\n`,
    },
    {
      name: "summary",
      language: "python",
      dependsOn: ["printer"],
      code: `import sys\ndef main():\n    for i in range(${SUMMARY_LINES}):\n        print("summary line", i, file=sys.stderr if i % 10 == 0 else sys.stdout)\n`,
    },
  ],
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function benchLogs(url, api) {
  const get = async (path) => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return response;
  }; // prettier-ignore
  const getJson = async (path) => (await get(path)).json();

  // Warm-up: the first run compiles the report path and starts the kernels.
  await ingest(api, getJson, "python", 20_000);
  const python = await ingest(api, getJson, "python", LINES);
  const typescript = await ingest(api, getJson, "typescript", LINES);

  const logs = `/api/v1/flow-runs/${python.id}/logs`;
  const reads = {};
  const time = async (label, path, check) => {
    const samples = [];
    for (let i = 0; i < 5; i++) {
      const t0 = now();
      const page = await getJson(path);
      samples.push(now() - t0);
      if (i === 0) check(page);
    }
    reads[label] = stats(samples);
  };
  const mid = Math.floor(LINES / 2);
  const rare = String(Math.floor(LINES * 0.777));
  await time("first lines (after=0, 200 lines)", `${logs}?limit=200`, (p) =>
    expect(p.logs[0].line === 1 && p.logs.length === 200, "first page"),
  );
  await time("a middle window (200 lines)", `${logs}?after=${mid}&limit=200`, (p) =>
    expect(p.logs[0].line === mid + 1 && p.logs[0].message === String(mid), "middle window"),
  );
  await time("the tail (last 200 lines)", `${logs}?tail=200`, (p) =>
    expect(p.logs.at(-1).line === LINES + SUMMARY_LINES, "tail"),
  );
  await time(`search, rare term ("${rare}": 1 line)`, `${logs}?q=${rare}&limit=200`, (p) =>
    expect(p.logs.length === 1 && p.logs[0].message === rare && p.next === null, "rare search"),
  );
  await time('search, common term ("12": first 200 matches)', `${logs}?q=12&limit=200`, (p) =>
    expect(p.logs.length === 200 && p.logs.every((l) => l.message.includes("12")), "common"),
  );
  await time("task filter (summary, after the 1,000,000)", `${logs}?task=summary&limit=200`, (p) =>
    expect(p.logs.length === 200 && p.logs[0].line === LINES + 1, "task filter"),
  );
  await time("level filter (warning: 100 lines)", `${logs}?level=warning&limit=200`, (p) =>
    expect(p.logs.length === SUMMARY_LINES / 10 && p.next === null, "level filter"),
  );
  const downloads = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = now();
    const text = await (await get(`${logs}/download`)).text();
    downloads.push(now() - t0);
    bytes = text.length;
    expect(text.split("\n").length === LINES + SUMMARY_LINES + 1, "download line count");
  }
  reads[`the whole download (${(bytes / 1e6).toFixed(0)} MB)`] = stats(downloads);
  return { python, typescript, reads };
}

function expect(ok, what) {
  if (!ok) throw new Error(`bench logs: unexpected answer (${what})`);
}

/**
 * Ingestion with and without masking: the same Python printer, once declaring a secret (so the
 * agent and the server check every line against it; none holds it) and once not, alternately,
 * `rounds` times each. `npm run bench -- logs-secret`.
 */
export async function benchLogSecrets(url, api, rounds = 2) {
  const getJson = async (path) => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  }; // prettier-ignore
  await api.setSecret("BENCH_TOKEN", "bench-secret-value-never-printed");
  await ingest(api, getJson, "python", 20_000, ["BENCH_TOKEN"]);
  const plain = [];
  const masked = [];
  for (let i = 0; i < rounds; i++) {
    plain.push(await ingest(api, getJson, "python", LINES));
    masked.push(await ingest(api, getJson, "python", LINES, ["BENCH_TOKEN"]));
  }
  return { plain, masked };
}

/** Lines/s from the printer's first line (its timestamp) to its last line stored. */
async function ingest(api, getJson, language, lines, secrets) {
  const deployment = await api.deploy(flow(language, lines, secrets), "bench");
  const id = await api.trigger(deployment);
  let t1 = 0;
  for (const deadline = now() + 600_000; now() < deadline;) {
    const run = await api.get(id);
    if (run.logLines >= lines) {
      t1 = now();
      break;
    }
    if (["Completed", "Failed", "Crashed", "Cancelled"].includes(run.state)) {
      throw new Error(`run ${id} ended ${run.state} with ${run.logLines} lines: ${JSON.stringify(run.taskRuns)}`); // prettier-ignore
    }
    await sleep(50);
  }
  if (!t1) throw new Error(`run ${id}: ${lines} lines were not stored in 10 minutes`);
  const first = (await getJson(`/api/v1/flow-runs/${id}/logs?limit=1`)).logs[0];
  const seconds = (t1 - Date.parse(first.timestamp)) / 1000;
  const end = await api.wait(id);
  if (end.state !== "Completed") throw new Error(`run ${id} ended ${end.state}`);
  await checkOrder(getJson, id, lines);
  return { id, lines, total: end.logLines, seconds, rate: lines / seconds };
}

/** Every printed line stored once, in order, numbered without gaps. */
async function checkOrder(getJson, id, lines) {
  let printed = 0;
  let numbered = 0;
  let after = "0";
  for (;;) {
    const page = await getJson(`/api/v1/flow-runs/${id}/logs?limit=5000&after=${after}`);
    for (const line of page.logs) {
      if (line.line !== ++numbered) throw new Error(`run ${id}: line ${numbered} is numbered ${line.line}`); // prettier-ignore
      if (line.task !== "printer") continue;
      if (line.message !== String(printed)) throw new Error(`run ${id}: printed line ${printed} reads ${line.message}`); // prettier-ignore
      printed++;
    }
    if (page.next === null) break;
    after = page.next;
  }
  if (printed !== lines) throw new Error(`run ${id}: ${printed} of ${lines} printed lines stored`);
}
