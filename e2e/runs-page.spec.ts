// The runs page in Chromium against a real server and real agents: filters applied on the
// server (the same rows as GET /api/v1/flow-runs), kept in the URL across reload, Back and
// Forward; pages loaded as the table scrolls; the row in view kept in place as runs arrive.
import { execFile } from "node:child_process";
import path from "node:path";
import type { APIRequestContext, Page } from "@playwright/test";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { E2E_API_KEY } from "./support/constants.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

/** A flow whose one task fails when asked to. */
const flaky = (name: string) => ({
  name,
  parameters: { type: "object", properties: { fail: { type: "boolean", default: false } } },
  tasks: [
    {
      name: "work",
      language: "shell",
      code: 'if [ "$FAIL" = "true" ]; then echo "bad input" >&2; exit 3; fi\necho ok',
    },
  ],
});

async function finished(api: APIRequestContext, deploymentId: string, fail: boolean) {
  const id = await trigger(api, deploymentId, { fail });
  expect((await waitForRun(api, id)).state).toBe(fail ? "Failed" : "Completed");
  return id;
}

function pipebook(baseURL: string, args: string[]) {
  const bin = path.resolve(import.meta.dirname, "../bin/pipebook.mjs");
  const env = { ...process.env, PIPEBOOK_API_URL: baseURL, PIPEBOOK_API_KEY: E2E_API_KEY };
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const shownRuns = (page: Page) =>
  page.locator("tr[data-run]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-run")));

/** "2026-11-30T14:05:09" in the browser's (= this process's) time zone. */
function localInput(at: Date) {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

test("state, flow and time range filters show the API's rows and live in the URL", async ({
  page,
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const flow = uniqueName("filters");
  const other = uniqueName("filters-other");
  const deployment = await deployFlow(api, flaky(flow), { workQueue: queue });
  const otherDeployment = await deployFlow(api, flaky(other), { workQueue: queue });
  startAgent({ apiUrl: baseURL!, queues: [queue] });

  const earlyFailed = await finished(api, deployment.id, true);
  await finished(api, deployment.id, false);
  await finished(api, otherDeployment.id, true);
  // A boundary on a whole second (the time inputs' precision), after those runs.
  await new Promise((r) => setTimeout(r, 1_100));
  const boundary = new Date(Math.ceil(Date.now() / 1000) * 1000);
  await new Promise((r) => setTimeout(r, boundary.getTime() - Date.now() + 50));
  const lateFailed = await finished(api, deployment.id, true);
  const lateCompleted = await finished(api, deployment.id, false);

  await signIn(page);
  await page.goto("/runs");
  await page.getByRole("button", { name: /^Failed/ }).click();
  await expect(page).toHaveURL(/state=Failed/);
  await page.getByLabel("Flow").selectOption(flow);
  await expect(page).toHaveURL(new RegExp(`flow=${flow}`));
  await expect.poll(() => shownRuns(page)).toEqual([lateFailed, earlyFailed]);

  await page.getByRole("button", { name: "Custom" }).click();
  await page.getByLabel("From").fill(localInput(boundary));
  await page.getByLabel("From").press("Enter");
  await expect(page).toHaveURL(/from=/);
  await expect.poll(() => shownRuns(page)).toEqual([lateFailed]);

  // The same filters through the API give the same rows.
  const query = `state=Failed&flow=${flow}&from=${encodeURIComponent(boundary.toISOString())}`;
  const answer = (await (await api.get(`/api/v1/flow-runs?${query}`)).json()) as {
    runs: { id: string }[];
    counts: Record<string, number>;
  };
  expect(answer.runs.map((r) => r.id)).toEqual([lateFailed]);
  expect(await shownRuns(page)).toEqual(answer.runs.map((r) => r.id));
  // The chips count the flow and the time range, whatever states are chosen.
  expect(answer.counts).toMatchObject({ Failed: 1, Completed: 1 });
  await expect(page.locator('[data-chip="Failed"]')).toHaveText("Failed 1");
  await expect(page.locator('[data-chip="Completed"]')).toHaveText("Completed 1");
  await expect(page.locator('[data-chip="Failed"]')).toHaveAttribute("aria-pressed", "true");

  // Reload keeps it all; Back and Forward walk the filters' history.
  await page.reload();
  await expect.poll(() => shownRuns(page)).toEqual([lateFailed]);
  await expect(page.getByLabel("Flow")).toHaveValue(flow);
  await page.goBack();
  await expect.poll(() => shownRuns(page)).toEqual([lateFailed, earlyFailed]);
  await page.goBack();
  await expect(page).not.toHaveURL(/flow=/);
  await page.goForward();
  await page.goForward();
  await expect.poll(() => shownRuns(page)).toEqual([lateFailed]);

  // Choosing Completed as well shows both states of the window, newest first.
  await page.getByRole("button", { name: /^Completed/ }).click();
  await expect.poll(() => shownRuns(page)).toEqual([lateCompleted, lateFailed]);

  // Opening a row shows the run.
  await page.locator(`tr[data-run="${lateCompleted}"] td`).first().click();
  await expect(page).toHaveURL(new RegExp(`/runs/${lateCompleted}$`));
});

test("a filter nothing matches says so and clears; deployments and tags filter too", async ({
  page,
  api,
}) => {
  const flow = uniqueName("empty");
  const deployment = await deployFlow(api, flaky(flow), {
    workQueue: uniqueName("nobody"),
    tags: ["nightly"],
  });
  const waiting = await trigger(api, deployment.id);

  await signIn(page);
  await page.goto(`/runs?deployment=${deployment.id}`);
  await expect.poll(() => shownRuns(page)).toEqual([waiting]);
  await expect(page.locator(`tr[data-run="${waiting}"]`)).toContainText("nightly");
  await page.getByLabel("Tag").fill("no-such-tag");
  await page.getByLabel("Tag").press("Enter");
  await expect(page.getByText("No runs match these filters")).toBeVisible();
  await page.getByRole("link", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/runs$/);
  await expect(page.locator(`tr[data-run="${waiting}"]`)).toBeVisible();
});

test("the table loads more as it scrolls and keeps the row in view while new runs arrive", async ({
  page,
  api,
}) => {
  const flow = uniqueName("many");
  // No agent serves this queue: the runs wait, which is all this test needs of them.
  const deployment = await deployFlow(api, flaky(flow), { workQueue: uniqueName("nobody") });
  for (let i = 0; i < 130; i++) await trigger(api, deployment.id);
  // The order to expect (runs triggered in one millisecond are ordered by id).
  const listed = (await (await api.get(`/api/v1/flow-runs?flow=${flow}&limit=200`)).json()) as {
    runs: { id: string }[];
  };
  const order = listed.runs.map((r) => r.id);
  expect(order).toHaveLength(130);

  await signIn(page);
  await page.goto(`/runs?flow=${flow}`);
  await expect(page.getByText("100 runs loaded; scroll for more")).toBeVisible();
  // Only the rows in view are in the page.
  expect((await shownRuns(page)).length).toBeLessThan(60);
  expect((await shownRuns(page)).slice(0, 5)).toEqual(order.slice(0, 5));

  const scroller = page.locator("[data-runs-scroll]");
  await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.getByText("130 runs", { exact: true })).toBeVisible();
  await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect.poll(async () => (await shownRuns(page)).slice(-3)).toEqual(order.slice(-3));

  // Look at the 60th run, then let two new ones arrive above it.
  const row = page.locator(`tr[data-run="${order[59]}"]`);
  await scroller.evaluate((el) => el.scrollTo(0, 55 * 41));
  await expect(row).toBeVisible();
  const before = (await row.boundingBox())!.y;
  await trigger(api, deployment.id);
  await trigger(api, deployment.id);
  await expect(page.getByText("132 runs", { exact: true })).toBeVisible();
  await expect(row).toBeVisible();
  expect(Math.abs((await row.boundingBox())!.y - before)).toBeLessThanOrEqual(2);
});

test("pipebook runs prints the same runs as a table, filtered alike, or as JSON", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const flow = uniqueName("cli-list");
  const deployment = await deployFlow(api, flaky(flow), { workQueue: queue, tags: ["etl"] });
  startAgent({ apiUrl: baseURL!, queues: [queue], tags: ["etl"] });
  const failed = await finished(api, deployment.id, true);
  const completed = await finished(api, deployment.id, false);

  const table = await pipebook(baseURL!, ["runs", "--flow", flow, "--since", "1h"]);
  expect(table.code).toBe(0);
  const lines = table.stdout.trim().split("\n");
  expect(lines[0]).toMatch(/^STATE\s+FLOW\s+DEPLOYMENT\s+SCHEDULED\/STARTED\s+DURATION\s+RUN$/);
  expect(lines.slice(1).map((l) => [l.split(/\s+/)[0], l.split(/\s+/).at(-1)])).toEqual([
    ["Completed", completed],
    ["Failed", failed],
  ]);
  expect(lines[1]).toContain(`${flow} v1`);

  const json = await pipebook(baseURL!, [
    "runs",
    "ls",
    "--state",
    "Failed",
    "--tag",
    "etl",
    "--flow",
    flow,
    "--json",
  ]);
  const page = JSON.parse(json.stdout) as {
    runs: { id: string }[];
    counts: Record<string, number>;
  };
  expect(page.runs.map((r) => r.id)).toEqual([failed]);
  expect(page.counts).toMatchObject({ Failed: 1, Completed: 1 });

  const limited = await pipebook(baseURL!, ["runs", "--flow", flow, "--limit", "1"]);
  expect(limited.stdout.trim().split("\n")).toHaveLength(2);
  expect(limited.stderr).toContain("1 of 2 runs");

  const wrong = await pipebook(baseURL!, ["runs", "--state", "Done"]);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toContain('unknown state "Done"');
  expect((await pipebook(baseURL!, ["runs", "--flow", uniqueName("nope")])).stderr).toMatch(
    /was not found/,
  );
});
