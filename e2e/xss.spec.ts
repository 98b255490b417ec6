// Script injection: every field a user controls holds HTML, script, javascript: links and template
// strings — a flow's description, its parameter schema (names, titles, descriptions, defaults,
// enum values), a run's parameter values, a deployment's description, task code, log lines from
// Python, TypeScript and shell, results, errors and tracebacks, API key names, agent names, host
// names and versions — and every page that shows them must show them as text: nothing runs, no
// dialog opens, no element the payload describes appears. Names, tags and queue names are
// refused by their patterns (checked here too), so they cannot carry a payload at all.
import type { APIRequestContext, Page } from "@playwright/test";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { E2E_API_KEY } from "./support/constants.ts";
import { deploy, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { cell } from "./support/studio.ts";
import {
  IMG,
  SCRIPT,
  JS_URL,
  SVG,
  TEMPLATE,
  ALL,
  SHORT,
  flowFile,
  expectInert,
  watchedPage,
} from "./support/xss-payloads.ts";

type Seed = {
  flow: string;
  queue: string;
  waitingQueue: string;
  deploymentId: string;
  runId: string;
  keyId: string;
  fakeAgentId: string;
};

let seed: Seed;

async function created<T>(response: Awaited<ReturnType<APIRequestContext["post"]>>): Promise<T> {
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as T;
}

test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

test.beforeAll(async ({ playwright }, testInfo) => {
  testInfo.setTimeout(120_000);
  const baseURL = testInfo.project.use.baseURL!;
  const api = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${E2E_API_KEY}` },
  });
  const flow = uniqueName("xss");
  const queue = uniqueName("xss-q");
  const waitingQueue = uniqueName("xss-wait");

  const key = await created<{ apiKey: { id: string }; key: string }>(
    await api.post("/api/v1/api-keys", { data: { name: SHORT } }),
  );
  // Two versions, so that the history has a diff to show; the second made with that key.
  await created(await api.post("/api/v1/flows", { data: flowFile(flow, SCRIPT) }));
  await created(
    await api.post("/api/v1/flows", {
      data: flowFile(flow, ALL),
      headers: { authorization: `Bearer ${key.key}` },
    }),
  );
  // A run no agent takes, for the queue's preview. Deployed first: a cell run from the editor
  // goes to the flow's most recently updated deployment, the next one.
  const waiting = await deploy(api, flow, { name: "waits", workQueue: waitingQueue });
  await trigger(api, waiting.id);
  const deployment = await deploy(api, flow, {
    description: ALL,
    parameters: { payload: `${ALL} (deployment)`, choice: IMG },
    workQueue: queue,
    tags: ["xss"],
  });
  // An agent that registers and never claims: its name, host and version show on the pages.
  const fakeAgent = await created<{ id: string }>(
    await api.post("/api/v1/agents", {
      data: { name: SHORT, hostname: ALL.slice(0, 255), version: SCRIPT, queues: [waitingQueue] },
    }),
  );

  const agent = startAgent({
    apiUrl: baseURL,
    queues: [queue],
    tags: ["xss"],
    extraArgs: ["--name", SHORT],
  });
  await agent.waitFor(/connected to/);
  const runId = await trigger(api, deployment.id, { payload: `${ALL} (run)`, [IMG]: SVG });
  const run = await waitForRun(api, runId);
  expect(run.state).toBe("Failed");
  await api.dispose();
  seed = {
    flow,
    queue,
    waitingQueue,
    deploymentId: deployment.id,
    runId,
    keyId: key.apiKey.id,
    fakeAgentId: fakeAgent.id,
  };
});

test.afterAll(async () => {
  await stopAllAgents();
});

test("names, tags and queue names refuse markup; download file names are made of them", async ({
  api,
}) => {
  const flow = await api.post("/api/v1/flows", {
    data: { name: IMG, tasks: [] },
  });
  expect(flow.status()).toBe(400);
  for (const data of [
    { flow: seed.flow, name: SVG },
    { flow: seed.flow, name: "ok", tags: [IMG] },
    { flow: seed.flow, name: "ok", workQueue: SCRIPT },
  ]) {
    const response = await api.post("/api/v1/deployments", { data });
    expect(response.status(), JSON.stringify(data)).toBe(400);
  }

  const result = await api.get(`/api/v1/flow-runs/${seed.runId}/tasks/py_print/result?download=1`);
  expect(result.headers()["content-type"]).toMatch(/^application\/json/);
  expect(result.headers()["content-disposition"]).toBe(
    `attachment; filename="py_print-${seed.runId.slice(0, 8)}.json"`,
  );
  const logs = await api.get(`/api/v1/flow-runs/${seed.runId}/logs/download`);
  expect(logs.headers()["content-type"]).toMatch(/^text\/plain/);
  expect(logs.headers()["content-disposition"]).toBe(
    `attachment; filename="run-${seed.runId}.log"`,
  );
  // A run id or task name in the address cannot put itself into the header.
  const forged = encodeURIComponent(`${seed.runId}"; filename="evil.html`);
  expect((await api.get(`/api/v1/flow-runs/${forged}/logs/download`)).status()).toBe(404);
  expect(
    (
      await api.get(
        `/api/v1/flow-runs/${seed.runId}/tasks/${encodeURIComponent(`py_print"\r\nx: y`)}/result?download=1`,
      )
    ).status(),
  ).toBe(404);
});

test("home, flows, deployments with their run dialog, and runs show the payloads as text", async ({
  page,
}) => {
  const watched = await watchedPage(page);

  await page.goto("/");
  const failure = page.locator(`li[data-failure="${seed.runId}"]`);
  await expect(failure.locator("[data-error-line]")).toContainText(IMG);
  await expectInert(page, watched, "Home");

  await page.goto("/flows");
  await expect(page.locator(`tr[data-flow="${seed.flow}"]`)).toContainText(ALL);
  await expectInert(page, watched, "Flows");

  await page.goto("/deployments");
  const row = page.locator(`tr[data-deployment-id="${seed.deploymentId}"]`);
  await expect(row).toBeVisible();
  await expectInert(page, watched, "Deployments");
  // The run dialog's form: labels, descriptions, defaults and choices from the schema, values
  // from the deployment.
  await row.getByRole("button", { name: "Run" }).click();
  const dialog = page.getByRole("dialog", { name: `Run ${seed.flow}` });
  await expectRunForm(dialog, { payload: `${ALL} (deployment)`, choice: IMG });
  await expectInert(page, watched, "the run dialog");
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-parameters")).toContainText(IMG);
  await expectInert(page, watched, "a run started from the dialog");

  await page.goto(`/runs?deployment=${seed.deploymentId}`);
  await expect(page.locator(`tr[data-run="${seed.runId}"]`)).toBeVisible();
  await expectInert(page, watched, "Runs");
});

async function expectRunForm(
  dialog: ReturnType<Page["getByRole"]>,
  values: { payload: string; choice: string },
) {
  // Labels: a parameter's name, or its title; below each field its description.
  await expect(dialog.locator("label").filter({ hasText: IMG })).toHaveText(IMG);
  await expect(dialog.locator("label").filter({ hasText: SVG })).toHaveText(SVG);
  await expect(dialog.locator("p").getByText(ALL, { exact: true })).toBeVisible();
  await expect(dialog.locator("p").getByText(SCRIPT, { exact: true })).toBeVisible();
  await expect(dialog.getByLabel(IMG, { exact: true })).toHaveValue(SCRIPT);
  await expect(dialog.getByLabel("payload", { exact: true })).toHaveValue(values.payload);
  const choice = dialog.getByLabel(SVG, { exact: true });
  await expect(choice).toHaveValue(JSON.stringify(values.choice));
  await expect(choice.locator("option")).toHaveText(["—", IMG, JS_URL, TEMPLATE]);
  await expect(dialog.getByLabel("nested", { exact: true })).toHaveValue(
    JSON.stringify({ [IMG]: [SCRIPT, JS_URL] }, null, 2),
  );
}

test("the flow editor: cells, their hover, the graph, parameters, run, deploy and history dialogs, a cell's output", async ({
  page,
}) => {
  const watched = await watchedPage(page);
  await page.goto(`/flows/${seed.flow}`);
  // Monaco is a large download: on a busy machine the editor takes a while to come up.
  await expect(page.getByRole("button", { name: "Add task" })).toBeVisible({ timeout: 60_000 });
  await expect(cell(page, "py_print").locator(".view-lines")).toContainText(SCRIPT);
  await expect(cell(page, "sh_print").locator(".view-lines")).toContainText(ALL);
  await expect(page.locator(`.react-flow__node[data-id]`)).toHaveCount(6);
  await expectInert(page, watched, "the editor");

  // Monaco renders a doc comment as Markdown in its hover: as text, with no javascript: link.
  const shout = cell(page, "ts_print")
    .locator(".view-lines")
    .getByText("shout", { exact: true })
    .first();
  await shout.hover();
  const hover = page.locator(".monaco-hover").filter({ hasText: "Shouts" });
  await expect(hover).toBeVisible({ timeout: 20_000 });
  // Monaco's Markdown sanitises what it renders: tags are dropped (their text stays), and the
  // javascript: link becomes plain text, not a link.
  await expect(hover).toContainText(SVG);
  await expect(hover.locator(".rendered-markdown p")).toContainText("open window.__xss=1");
  await expect(hover.locator("a")).toHaveCount(0);
  await expectInert(page, watched, "a Monaco hover");
  await page.mouse.move(0, 0);

  await page.getByRole("button", { name: "Parameters" }).click();
  const params = page.getByRole("dialog", { name: "Parameters" });
  const values = (label: string) =>
    params.getByLabel(label).evaluateAll((e) => e.map((i) => (i as HTMLInputElement).value));
  await expect.poll(() => values("Field name")).toContain(IMG);
  await expect.poll(() => values("Description")).toEqual(expect.arrayContaining([ALL, SCRIPT]));
  await expect.poll(() => values("Default value")).toContain(SCRIPT);
  await expectInert(page, watched, "the parameters dialog");
  await params.getByRole("button", { name: "Close" }).click();

  await page.getByRole("button", { name: "Run", exact: true }).click();
  const run = page.getByRole("dialog", { name: `Run ${seed.flow}` });
  await run.getByLabel("Deployment").selectOption(seed.deploymentId);
  await expectRunForm(run, { payload: `${ALL} (deployment)`, choice: IMG });
  await expectInert(page, watched, "the editor's run dialog");
  await run.getByRole("button", { name: "Close" }).click();

  await page.getByRole("button", { name: "Deploy" }).click();
  const deployDialog = page.getByRole("dialog");
  await expect(deployDialog.getByLabel("payload", { exact: true })).toBeVisible();
  await expectInert(page, watched, "the deploy dialog");
  await deployDialog.getByRole("button", { name: "Close" }).click();

  await page.getByRole("button", { name: "History" }).click();
  const history = page.getByRole("dialog");
  await expect(history.locator(".monaco-diff-editor .view-lines").first()).toContainText(
    "description",
  );
  await expect(history.locator(".monaco-diff-editor")).toContainText(SCRIPT);
  await expectInert(page, watched, "the history dialog");
  await history.getByRole("button", { name: "Close" }).click();

  // Run one cell: its log lines and result, live.
  await cell(page, "ts_print").getByRole("button", { name: "Run cell" }).click();
  const output = cell(page, "ts_print").getByTestId("cell-output");
  await expect(output.getByTestId("cell-result")).toContainText(JSON.stringify(IMG).slice(1, -1), {
    timeout: 30_000,
  });
  await expect(output).toContainText(ALL);
  await expectInert(page, watched, "a cell's output");
});

test("the run page: header, graph, timeline, each task's panel, and the logs searched for a payload", async ({
  page,
}) => {
  const watched = await watchedPage(page);
  await page.goto(`/runs/${seed.runId}`);
  await expect(page.getByTestId("run-state").locator("[data-state]")).toHaveText("Failed");
  await expect(page.getByTestId("run-parameters")).toContainText(JSON.stringify(SVG));
  await expect(page.locator("header")).toContainText(SHORT);
  await expectInert(page, watched, "the run page's graph");

  const panel = page.getByTestId("task-panel");
  await page.goto(`/runs/${seed.runId}?task=py_fail`);
  const error = panel.getByTestId("attempt-error");
  await expect(error.locator("p")).toHaveText(`ValueError: ${ALL}`);
  await expect(error.locator("pre")).toContainText(`raise ValueError(${JSON.stringify(ALL)})`);
  await expectInert(page, watched, "a failed Python task's panel");

  await page.goto(`/runs/${seed.runId}?task=ts_fail`);
  await expect(error.locator("p")).toHaveText(`Error: ${ALL}`);
  await expectInert(page, watched, "a failed TypeScript task's panel");

  await page.goto(`/runs/${seed.runId}?task=py_print`);
  const result = panel.getByTestId("task-result");
  await expect(result).toContainText(`${ALL}:`);
  await expect(result).toContainText(JSON.stringify(JS_URL));
  await expect(panel.getByTestId("log-lines")).toContainText(ALL);
  await expectInert(page, watched, "a Python task's result and logs");

  await page.goto(`/runs/${seed.runId}?task=ts_print`);
  await expect(result).toContainText(`${IMG}:`);
  await expect(panel.getByTestId("log-lines")).toContainText(SVG);
  await expectInert(page, watched, "a TypeScript task's result and logs");

  await page.goto(`/runs/${seed.runId}?task=sh_print`);
  await expect(result).toContainText(JSON.stringify(TEMPLATE));
  await expect(panel.getByTestId("log-lines")).toContainText(ALL);
  await expect(panel.getByTestId("log-lines")).toContainText(JS_URL);
  await expectInert(page, watched, "a shell task's result and logs");

  await page.goto(`/runs/${seed.runId}?task=after_fail`);
  await expect(panel).toContainText('upstream task "py_fail" failed');

  await page.getByRole("tab", { name: "timeline" }).click();
  await expect(page.getByTestId("run-timeline").locator('[data-task="py_fail"]')).toBeVisible();
  await expectInert(page, watched, "the timeline");

  await page.goto(`/runs/${seed.runId}`);
  await page.getByRole("tab", { name: "logs" }).click();
  const viewer = page.getByRole("tabpanel").getByTestId("log-viewer");
  await expect(viewer.locator("[data-line]").first()).toBeVisible();
  await viewer.getByLabel("Search the log").fill(IMG);
  await viewer.getByLabel("Search the log").press("Enter");
  await expect(viewer.locator("[data-line] mark").first()).toHaveText(IMG);
  await expectInert(page, watched, "the logs searched for a payload");
  // Opened, a traceback shows whole.
  const traceback = viewer.locator('[data-level="error"][data-task="py_fail"]').first();
  await traceback.click();
  await expect(traceback).toContainText(`raise ValueError(${JSON.stringify(ALL)})`);
  await expectInert(page, watched, "an opened traceback");
});

test("work queues and their preview, agents, API keys and the audit log show the payloads as text", async ({
  page,
}) => {
  const watched = await watchedPage(page);
  await page.goto("/work-queues");
  await expect(page.locator(`tr[data-queue="${seed.queue}"]`)).toContainText(SHORT);
  const waiting = page.locator(`tr[data-queue="${seed.waitingQueue}"]`);
  await waiting.getByRole("button", { name: "Preview" }).click();
  await expect(
    page.getByRole("list", { name: `Claim order of ${seed.waitingQueue}` }).locator("li"),
  ).toHaveCount(1);
  await expectInert(page, watched, "Work queues");

  await page.goto("/agents");
  const fake = page.locator(`tr[data-agent="${seed.fakeAgentId}"]`);
  await expect(fake).toContainText(SHORT);
  await expect(fake).toContainText(ALL.slice(0, 255));
  await expect(fake).toContainText(SCRIPT);
  // The real agent that ran the run, named with --name.
  const real = page.locator("tr[data-agent]").filter({ hasText: seed.queue });
  await expect(real).toContainText(SHORT);
  await expectInert(page, watched, "Agents");

  await page.goto("/keys");
  await expect(page.locator(`tr[data-key="${seed.keyId}"]`)).toContainText(SHORT);
  // A key named in the browser.
  await page.getByRole("button", { name: "New key" }).click();
  const form = page.getByRole("form", { name: "New API key" });
  await form.getByLabel("Name").fill(IMG);
  await form.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText(`Key “${IMG}” created`, { exact: false })).toBeVisible();
  await expect(
    page.locator("tr[data-key] td").getByText(IMG, { exact: true }).first(),
  ).toBeVisible();
  await expectInert(page, watched, "API keys");

  // The audit log names that key (and everything else the seed changed) as text too.
  await page.goto("/audit");
  const made = page.locator('tr[data-action="apiKey.create"]').filter({ hasText: IMG });
  await expect(made.first()).toBeVisible();
  await expectInert(page, watched, "Audit log");
});

test("payloads in the address (paths and filters) are shown as text", async ({ page }) => {
  const watched = await watchedPage(page);
  await page.goto(`/flows/${encodeURIComponent(ALL)}`);
  await expect(page.locator("main")).toContainText(`Could not open flow "${ALL}"`, {
    timeout: 30_000,
  });
  await expectInert(page, watched, "a flow's address");

  await page.goto(`/runs/${encodeURIComponent(ALL)}`);
  await expect(page.locator("main")).toContainText("Could not load the run", { timeout: 30_000 });
  await expectInert(page, watched, "a run's address");

  await page.goto(
    `/runs?flow=${encodeURIComponent(ALL)}&tag=${encodeURIComponent(IMG)}&deployment=${encodeURIComponent(SVG)}`,
  );
  await expect(page.locator("main")).toContainText(ALL);
  await expect(page.locator("main")).toContainText(IMG);
  await expectInert(page, watched, "the runs page's filters");

  // Not valid percent-encoding: no such flow, said on the page (it was an error page).
  await page.goto("/flows/%25");
  await expect(page.locator("main")).toContainText(/Could not open flow "%(25)?"/, {
    timeout: 30_000,
  });
});
