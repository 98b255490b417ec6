// The run page's figures, in Debian's Chromium against a real server and a real agent:
// - a run of 2,000 tasks: its graph and its timeline drawn (navigation → the first nodes / rows
//   painted), and how smooth the page stays while those 2,000 tasks change state live (the
//   p95 of frame intervals, measured by requestAnimationFrame in the page);
// - how soon a task's state change reaches an open run page: from the moment the agent records
//   it (the history's `at`, the agent's clock — the same machine) to the moment the page's node
//   shows it (a MutationObserver in the page), over a chain of tasks that each take ~150 ms.
import { chromium } from "@playwright/test";
import { bigFlow } from "./studio.mjs";
import { KEY, ms, now, startFrames, stats, stopFrames } from "./harness.mjs";

const QUEUE = "bench";

async function api(url, method, path, body) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: body && JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

async function deploy(url, flow) {
  await api(url, "POST", "/api/v1/flows", flow);
  const d = await api(url, "POST", "/api/v1/deployments", {
    flow: flow.name,
    name: "bench",
    workQueue: QUEUE,
  });
  return d.id;
}

const trigger = async (url, deployment) =>
  (await api(url, "POST", `/api/v1/deployments/${deployment}/runs`, { parameters: {} })).id;

async function waitEnded(url, id) {
  for (;;) {
    const run = await api(url, "GET", `/api/v1/flow-runs/${id}/wait?timeoutSeconds=60`);
    if (run.endedAt) return run;
  }
}

/**
 * A chain of `count` Python tasks that each sleep `ms` (one state change every few tenths); the
 * first sleeps 3 s, so the page is open and watching before the measured changes begin.
 */
const chain = (name, count, ms) => ({
  name,
  tasks: Array.from({ length: count }, (_, i) => ({
    name: `s${i}`,
    language: "python",
    dependsOn: i ? [`s${i - 1}`] : [],
    code: `import time\ndef main():\n    time.sleep(${i ? ms / 1000 : 3})\n    return ${i}\n`,
  })),
});

export async function benchRunPage(url) {
  const big = await deploy(url, bigFlow("bench-run-2000", 2000));
  const steps = await deploy(url, chain("bench-run-latency", 25, 150));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    // Signs in as the studio's form does (a link no longer signs in by itself).
    await page.request.post(`${url}/api/auth/session`, { data: { apiKey: KEY } });
    await page.goto(`${url}/flows`);

    // ---- 2,000 tasks changing state live: frames while the run goes on.
    const live = await trigger(url, big);
    await page.goto(`${url}/runs/${live}`);
    await page.locator(".react-flow__node").first().waitFor();
    await startFrames(page);
    const liveRun = await waitEnded(url, live);
    await page
      .getByTestId("run-state")
      .locator(`[data-state="${liveRun.state}"]`)
      .waitFor({ timeout: 30_000 });
    const liveFrames = await stopFrames(page);
    const liveSeconds = (Date.parse(liveRun.endedAt) - Date.parse(liveRun.startedAt)) / 1000;

    // ---- The same run, ended: graph and timeline drawn, each from a fresh navigation.
    const graph = [];
    const timeline = [];
    for (let i = 0; i < 6; i++) {
      await page.goto("about:blank");
      let t0 = now();
      await page.goto(`${url}/runs/${live}`);
      await page.locator(".react-flow__node").first().waitFor();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
      if (i) graph.push(now() - t0);
      await page.goto("about:blank");
      t0 = now();
      await page.goto(`${url}/runs/${live}?view=timeline`);
      await page.locator('[data-testid="run-timeline"] [data-attempt]').first().waitFor();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
      if (i) timeline.push(now() - t0);
    }

    // ---- State change → page: a chain whose tasks change state every ~150 ms.
    const run = await trigger(url, steps);
    await page.goto(`${url}/runs/${run}`);
    await page.locator(".react-flow__node").first().waitFor();
    await page.evaluate(() => {
      window.__seen = [];
      const observer = new MutationObserver((mutations) => {
        const at = performance.timeOrigin + performance.now();
        for (const m of mutations) {
          const el = m.target;
          if (m.attributeName === "data-state" && el.dataset?.task) {
            window.__seen.push({ task: el.dataset.task, state: el.dataset.state, at });
          }
        }
      });
      const graph = document.querySelector('[data-testid="run-graph"]');
      observer.observe(graph, { attributes: true, subtree: true, attributeFilter: ["data-state"] });
    });
    await waitEnded(url, run);
    await page.waitForTimeout(1_000);
    const seen = await page.evaluate(() => window.__seen);
    const history = await api(url, "GET", `/api/v1/flow-runs/${run}/history`);
    const latencies = [];
    for (const event of history.events) {
      if (!event.task || event.task === "s0" || !["Running", "Completed"].includes(event.to)) {
        continue;
      }
      const shown = seen.find((s) => s.task === event.task && s.state === event.to);
      if (shown) latencies.push(shown.at - Date.parse(event.at));
    }
    return {
      tasks: 2000,
      liveSeconds,
      liveFrames: stats(liveFrames),
      graph: stats(graph),
      timeline: stats(timeline),
      latency: stats(latencies),
      latencySamples: latencies.length,
      expectedSamples: 48,
    };
  } finally {
    await browser.close();
  }
}

/** The rows `npm run bench` prints for this workload: [label, figure, target, met]. */
export async function runPageRows(url) {
  const rows = [];
  const r = await benchRunPage(url);
  rows.push([
    `run page: a run of ${r.tasks} tasks, graph drawn (navigation → nodes painted)`,
    `p50 ${ms(r.graph.p50)}, max ${ms(r.graph.max)}`,
    "≤ 2 s",
    r.graph.max <= 2_000,
  ]);
  rows.push([
    `run page: the same run's timeline drawn`,
    `p50 ${ms(r.timeline.p50)}, max ${ms(r.timeline.max)}`,
    "≤ 2 s",
    r.timeline.max <= 2_000,
  ]);
  rows.push([
    `run page: frames while its ${r.tasks} tasks change state live (${r.liveSeconds.toFixed(1)} s, ${r.liveFrames.n} frames)`,
    `p50 ${ms(r.liveFrames.p50)}, p95 ${ms(r.liveFrames.p95)}, max ${ms(r.liveFrames.max)}`,
    "p95 ≤ 50 ms",
    r.liveFrames.p95 <= 50,
  ]);
  rows.push([
    `run page: a task's state change (agent) → shown on the open page (${r.latencySamples} of ${r.expectedSamples} changes)`,
    `p50 ${ms(r.latency.p50)}, p95 ${ms(r.latency.p95)}, max ${ms(r.latency.max)}`,
    "p95 ≤ 300 ms",
    r.latency.p95 <= 300 && r.latencySamples === r.expectedSamples,
  ]);
  return rows;
}
