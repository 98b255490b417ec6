// The run page in Chromium against a real server and real agents: a failure shown on the graph,
// the timeline and the task's panel with every attempt; changes arriving live; Cancel.
import type { Page } from "@playwright/test";
import { allLogs, startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { openEditor, setCode, signIn } from "./support/studio.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

const failing = (name: string) => ({
  name,
  parameters: {
    type: "object",
    properties: { column: { type: "string", default: "price" } },
  },
  tasks: [
    {
      name: "extract",
      language: "python",
      code: 'def main():\n    print("expensive extract ran")\n    return {"rows": [1, 2, 3]}\n',
    },
    {
      name: "transform",
      language: "python",
      dependsOn: ["extract"],
      retries: 1,
      retryDelaySeconds: 1,
      code: "def main(extract, column):\n    print('transforming')\n    raise ValueError(f\"column '{column}' is missing\")\n",
    },
    { name: "audit", language: "shell", dependsOn: ["extract"], code: "echo audited\n" },
    {
      name: "load",
      language: "typescript",
      dependsOn: ["transform"],
      code: "export default function main() {\n  return 1;\n}\n",
    },
  ],
});

const node = (page: Page, task: string) =>
  page.locator(`[data-testid="run-graph"] [data-task="${task}"]`);

test("a failing run: the graph, the timeline and the task panel show where and why, live", async ({
  page,
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(api, failing(uniqueName("fails")), { workQueue: queue });
  const runId = await trigger(api, deployment.id);
  await signIn(page);
  await page.goto(`/runs/${runId}`);

  // No agent serves the queue yet: the page says so while the run waits.
  await expect(
    page.getByRole("status").filter({ hasText: "no online agent serves" }),
  ).toContainText(`work queue "${queue}"`);
  await expect(node(page, "extract")).toHaveAttribute("data-state", "Pending");
  await expect(page.getByTestId("live-status")).toHaveText("Live");

  // An agent starts: everything below arrives without a reload.
  const agent = startAgent({ apiUrl: baseURL!, queues: [queue] });
  await expect(page.getByTestId("run-state").locator("[data-state]")).toHaveText("Failed", {
    timeout: 30_000,
  });
  await expect(node(page, "extract")).toHaveAttribute("data-state", "Completed");
  await expect(node(page, "audit")).toHaveAttribute("data-state", "Completed");
  await expect(node(page, "transform")).toHaveAttribute("data-state", "Failed");
  await expect(node(page, "transform")).toContainText("2 attempts");
  await expect(node(page, "load")).toHaveAttribute("data-state", "NotRun");
  await expect(page.getByTestId("task-counts")).toContainText("1 failed");
  await expect(page.getByRole("status")).toHaveCount(0);
  await expect(page.getByTestId("run-parameters")).toContainText('"column":"price"');

  // The failed node's panel: both attempts, each with its error and traceback. The count of
  // failed tasks leads to it (with 2,000 tasks, the first failure is one click away).
  await page.getByTestId("task-counts").getByRole("button", { name: "1 failed" }).click();
  await expect(page).toHaveURL(/task=transform/);
  const panel = page.getByTestId("task-panel");
  const attempts = panel.getByRole("list", { name: "Attempts" }).locator("li");
  await expect(attempts).toHaveCount(2);
  await expect(attempts.nth(0)).toContainText("retried");
  for (const i of [0, 1]) {
    await expect(attempts.nth(i).getByTestId("attempt-error")).toContainText(
      "ValueError: column 'price' is missing",
    );
  }
  await expect(attempts.nth(1).locator("pre")).toContainText('raise ValueError(f"column');
  await expect(panel).toContainText("Retries1, waiting 1 s");

  // The NotRun task names its cause; the completed one shows its result as a tree.
  await node(page, "load").click();
  await expect(panel).toContainText('did not run: upstream task "transform" failed');
  await node(page, "extract").click();
  await expect(panel.getByTestId("task-result")).toContainText("rows");

  // The timeline: two attempt bars for transform with the wait between them, Not run marked.
  await page.getByRole("tab", { name: "timeline" }).click();
  await expect(page).toHaveURL(/view=timeline/);
  const timeline = page.getByTestId("run-timeline");
  const row = timeline.locator('[data-task="transform"]');
  await expect(row.locator("[data-attempt]")).toHaveCount(2);
  await expect(row.locator('[data-attempt="1"]')).toHaveAttribute("data-state", "Retrying");
  await expect(row.locator('[data-attempt="2"]')).toHaveAttribute("data-state", "Failed");
  await expect(row.locator('[data-wait="1"]')).toBeVisible();
  await expect(timeline.locator('[data-task="load"] [data-moment="NotRun"]')).toBeVisible();
  await expect(timeline.getByTestId("timeline-now")).toHaveCount(0);

  // Back returns to the graph view, as it was.
  await page.goBack();
  await expect(page.getByTestId("run-graph")).toBeVisible();

  // The logs: each failed attempt's traceback is an error line, whole when opened.
  await page.getByRole("tab", { name: "logs" }).click();
  const viewer = page.getByRole("tabpanel").getByTestId("log-viewer");
  await expect(viewer.getByTestId("log-count")).not.toHaveText("0 lines");
  await viewer.getByRole("button", { name: "error" }).click();
  await expect(page).toHaveURL(/level=error/);
  const errors = viewer.locator('[data-level="error"][data-task="transform"]');
  await expect(errors).toHaveCount(2);
  await expect(errors.first()).toContainText("ValueError: column 'price' is missing");
  await errors.first().click();
  await expect(errors.first()).toContainText('raise ValueError(f"column');
  await viewer.getByRole("button", { name: "error" }).click();
  await viewer.getByLabel("Search the log").fill("expensive extract");
  await viewer.getByLabel("Search the log").press("Enter");
  await expect(viewer.locator("[data-line] mark")).toHaveText(["expensive extract"]);
  // A task's panel shows its own lines.
  await page.goto(`/runs/${runId}?task=transform`);
  await expect(page.getByTestId("task-panel").getByTestId("log-lines")).toContainText(
    "transforming",
  );

  await agent.stop();
});

test("Cancel from the browser ends a running run Cancelled", async ({ page, api, baseURL }) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("long"),
      tasks: [
        {
          name: "wait",
          language: "python",
          code: "import time\ndef main():\n    print('waiting')\n    time.sleep(60)\n",
        },
      ],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const runId = await trigger(api, deployment.id);
  await waitForRun(api, runId, { states: ["Running"] });
  await signIn(page);
  await page.goto(`/runs/${runId}`);
  await expect(node(page, "wait")).toHaveAttribute("data-state", "Running");
  await page.getByRole("tab", { name: "timeline" }).click();
  await expect(page.getByTestId("timeline-now")).toBeVisible();
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Cancel run" }).click();
  await expect(page.getByTestId("run-state").locator("[data-state]")).toHaveText("Cancelled", {
    timeout: 15_000,
  });
  await page.getByRole("tab", { name: "graph" }).click();
  await expect(node(page, "wait")).toHaveAttribute("data-state", "Cancelled");
  expect((await waitForRun(api, runId)).state).toBe("Cancelled");
});

test("fix and replay: fix the failing cell, save, retry from failure on the latest version; run from here", async ({
  page,
  api,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const queue = uniqueName("q");
  const flow = failing(uniqueName("fixme"));
  const deployment = await deployFlow(api, flow, { workQueue: queue });
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const first = await trigger(api, deployment.id);
  expect((await waitForRun(api, first)).state).toBe("Failed");

  // The failing cell is fixed in the editor and saved as version 2.
  await signIn(page);
  await openEditor(page, flow.name);
  await setCode(
    page,
    "transform",
    "def main(extract, column):\n    return [r * 2 for r in extract['rows']]\n",
  );
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("Saved as version 2");

  // Retry from failure: the dialog picks the latest version and says what runs and what is reused.
  await page.goto(`/runs/${first}`);
  await page.getByRole("button", { name: "Retry from failure" }).click();
  const dialog = page.getByTestId("replay-dialog");
  await expect(dialog.getByRole("radio", { name: "The latest version (v2)" })).toBeChecked();
  await expect(dialog.locator('[data-plan-task="extract"] [data-action]')).toHaveText("reused");
  await expect(dialog.locator('[data-plan-task="audit"] [data-action]')).toHaveText("reused");
  await expect(dialog.locator('[data-plan-task="transform"] [data-action]')).toHaveText(
    "runs again",
  );
  await expect(dialog.locator('[data-plan-task="load"] [data-action]')).toHaveText("runs again");
  await dialog.getByRole("button", { name: "Start the replay" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${first}`));
  const second = page.url().split("/runs/")[1]!.split("?")[0]!;
  await expect(page.getByTestId("run-state").locator("[data-state]")).toHaveText("Completed", {
    timeout: 30_000,
  });
  await expect(page.getByTestId("run-chain")).toContainText(`run ${first.slice(0, 8)}`);
  await expect(node(page, "extract")).toHaveAttribute("data-state", "Cached");
  await node(page, "extract").click();
  await expect(page.getByTestId("result-from")).toHaveText(`run ${first.slice(0, 8)}`);

  // The expensive task ran once across both runs.
  const lines = [...(await allLogs(api, first)), ...(await allLogs(api, second))];
  expect(lines.filter((l) => l.message === "expensive extract ran")).toHaveLength(1);
  // The first run now links to its replay.
  await page.goto(`/runs/${first}`);
  await expect(page.getByTestId("run-chain")).toContainText(`run ${second.slice(0, 8)}`);
  // Its version link opens the editor comparing that version with the latest.
  await page.getByRole("link", { name: "v1", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/flows/${flow.name}\\?version=1$`));
  await expect(page.getByRole("dialog", { name: `History of ${flow.name}` })).toBeVisible();

  // Run from here on the middle task: it and its downstream run again, the rest is reused.
  await page.goto(`/runs/${second}?task=transform`);
  await page.getByRole("button", { name: "Run from here" }).click();
  await expect(dialog.locator('[data-plan-task="transform"] [data-action]')).toHaveText(
    "runs again",
  );
  await dialog.getByRole("button", { name: "Start the replay" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/runs/${second}`));
  const third = page.url().split("/runs/")[1]!.split("?")[0]!;
  const ended = await waitForRun(api, third);
  expect(ended.state).toBe("Completed");
  expect(Object.fromEntries(ended.taskRuns.map((t) => [t.name, t.state]))).toEqual({
    extract: "Cached",
    audit: "Cached",
    transform: "Completed",
    load: "Completed",
  });
  expect(ended.taskRuns.find((t) => t.name === "extract")).toMatchObject({ attempts: 0 });
});
