// Mapped tasks in the studio, with a real server, a real agent and Chromium: a cell mapped over a
// parameter list in its settings, run with Run cell, becomes 50 items; the run page draws it as
// one node with ×50 and its counts, lists its items, and opens one item's own log lines. Items
// that fail under `mapFailure: continue`: counts and bar while they run, the failed ones listed.
import { startAgent, stopAllAgents, type AgentProcess } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { cell, dragEdge, openEditor, setCode, signIn } from "./support/studio.ts";

let agent: AgentProcess;

test.beforeAll(async ({ baseURL }) => {
  agent = startAgent({ apiUrl: baseURL!, queues: ["default"] });
  await agent.waitFor(/connected|registered/i);
});

test.afterAll(async () => {
  await stopAllAgents();
});

const ITEMS = 50;
const SQUARE = `import time

def main(xs, offset):
    print(f"item got {xs}")
    time.sleep(0.05)
    return xs * xs + offset
`;

test("a cell mapped over a parameter list runs 50 items; the run page shows ×50, the counts and an item's logs", async ({
  page,
  api,
}) => {
  const name = uniqueName("mapped");
  const imported = await api.post("/api/v1/flows", {
    data: {
      name,
      parameters: {
        type: "object",
        properties: {
          xs: { type: "array", items: { type: "integer" }, default: [...Array(ITEMS).keys()] },
        },
      },
      tasks: [{ name: "offset", language: "python", code: "def main():\n    return 1000\n" }],
    },
  });
  expect(imported.status(), await imported.text()).toBe(201);

  await signIn(page);
  await openEditor(page, name);
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByLabel("Task name").nth(1).fill("square");
  await setCode(page, "square", SQUARE);
  await dragEdge(page, "offset", "square");
  // The cell's settings offer the flow's parameters and its upstream tasks to map over.
  const square = cell(page, "square");
  await square.getByRole("button", { name: "Settings of square" }).click();
  const lists = square.getByRole("group", { name: "Lists to map over" });
  await expect(lists.getByRole("button")).toHaveCount(2);
  await lists.getByRole("button", { name: /^xs/ }).click();
  await expect(lists.getByRole("button", { name: /^xs/ })).toHaveAttribute("aria-pressed", "true");
  await square.getByLabel("Items at once").fill("8");
  await expect(square.getByTestId("mapped-over")).toContainText("map over xs");
  await page.screenshot({ path: test.info().outputPath("editor-map-settings.png") });

  // Run cell on the mapped task: it saves the draft, and its 50 items run.
  await square.getByRole("button", { name: "Run cell" }).click();
  const output = square.getByTestId("cell-output");
  await expect(output.getByTestId("cell-state")).toContainText("Completed", { timeout: 60_000 });
  const expected = [...Array(ITEMS).keys()].map((x) => x * x + 1000);
  await expect(output.getByTestId("cell-result")).toHaveText(JSON.stringify(expected));
  await expect(output.getByTestId("cell-items")).toContainText("×50");
  await expect(output.getByTestId("cell-items")).toContainText("50 completed");
  // Its items' log lines name each item.
  await expect(output).toContainText("square[7] item got 7");
  await output.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath("cell-output.png") });

  // The run page: one node for the task, ×50, all 50 completed.
  await output.getByRole("link", { name: "open run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]+$/);
  const node = page.locator('.react-flow__node [data-task="square"]');
  await expect(node.getByTestId("map-times")).toHaveText("×50");
  await expect(node.locator('[data-state="Completed"] [data-count]')).toHaveText("50");
  await expect(node.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "50");
  await expect(page.locator(".react-flow__node")).toHaveCount(2);
  await page.screenshot({ path: test.info().outputPath("run-graph.png") });

  // Its panel lists the items: index, state, time, input.
  await node.click();
  const panel = page.getByTestId("task-panel");
  const list = panel.getByTestId("item-list");
  await expect(list.locator("[data-item]").first()).toBeVisible();
  const seven = list.locator('[data-item="7"]');
  await expect(seven).toHaveAttribute("data-state", "Completed");
  await expect(seven).toContainText("7");
  await page.screenshot({ path: test.info().outputPath("item-list.png") });
  // The list scrolls to the last item (read as a further page only if needed).
  await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(list.locator('[data-item="49"]')).toBeVisible();
  await list.evaluate((el) => el.scrollTo(0, 0));

  // One item: its input, its attempt, its result, and only its own log lines.
  await seven.click();
  await expect(page).toHaveURL(/item=7/);
  const item = panel.getByTestId("item-detail");
  await expect(item).toContainText("square[7]");
  await expect(item.getByRole("list", { name: "Attempts" }).locator("[data-attempt]")).toHaveCount(
    1,
  );
  await expect(item.getByTestId("task-result")).toContainText("1049");
  const logs = item.getByTestId("log-lines");
  await expect(logs).toContainText("item got 7");
  await expect(logs).not.toContainText("item got 8");
  await page.screenshot({ path: test.info().outputPath("item-logs.png") });

  // Back to the list, then the timeline groups the items under the task's row.
  await item.getByRole("button", { name: "All items" }).click();
  await expect(panel.getByTestId("item-list")).toBeVisible();
  await page.getByRole("tab", { name: "timeline" }).click();
  await page.getByRole("button", { name: "Show the items of square" }).click();
  await expect(
    page.locator('[data-items-of="square"] [data-state="Completed"] [data-count]'),
  ).toHaveText("50");
  await page.screenshot({ path: test.info().outputPath("timeline.png") });
});

// The first items are quick, the rest take a while: the page, however slow to open on a loaded
// machine, finds the items still running (~8 s) with some already counted.
const CHECK = `import time

def main(xs):
    time.sleep(0.05 if xs < 8 else 1.0)
    if xs % 10 == 3:
        raise ValueError(f"bad value {xs}")
    print(f"checked {xs}")
    return xs
`;

test("items that fail under mapFailure continue: live counts and bar, the failed items listed with their errors", async ({
  page,
  api,
}) => {
  const name = uniqueName("mapfail");
  const deployment = await deployFlow(api, {
    name,
    parameters: {
      type: "object",
      properties: {
        xs: { type: "array", items: { type: "integer" }, default: [...Array(40).keys()] },
      },
    },
    tasks: [
      {
        name: "check",
        language: "python",
        map: "xs",
        mapConcurrency: 4,
        mapFailure: "continue",
        code: CHECK,
      },
      {
        name: "summary",
        language: "python",
        dependsOn: ["check"],
        code: 'def main(check, check_failures):\n    return {"ok": len(check), "failed": len(check_failures)}\n',
      },
    ],
  });
  await signIn(page);
  const runId = await trigger(api, deployment.id);
  await page.goto(`/runs/${runId}?task=check`);
  const node = page.locator('.react-flow__node [data-task="check"]');
  // While the items run: the bar grows and the counts follow.
  await expect(node.getByRole("progressbar")).toHaveAttribute("data-running", "", {
    timeout: 30_000,
  });
  await expect(node.locator('[data-state="Completed"] [data-count]')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("running.png") });

  await expect(page.locator('.react-flow__node [data-task="summary"]')).toHaveAttribute(
    "data-state",
    "Completed",
    { timeout: 60_000 },
  );
  await expect(node.locator('[data-state="Completed"] [data-count]')).toHaveText("36");
  await expect(node.locator('[data-state="Failed"] [data-count]')).toHaveText("4");
  const run = await (await api.get(`/api/v1/flow-runs/${runId}`)).json();
  expect(run.taskRuns.find((t: { name: string }) => t.name === "summary").result).toEqual({
    ok: 36,
    failed: 4,
  });

  // Only the failed items, each with its error.
  const panel = page.getByTestId("task-panel");
  await panel.getByRole("button", { name: "4 failed: show only these items" }).click();
  const list = panel.getByTestId("item-list");
  await expect(list.locator("[data-item]")).toHaveCount(4);
  await expect(list.locator("[data-item]").first()).toHaveAttribute("data-item", "3");
  await expect(list.locator('[data-item="13"]')).toContainText("ValueError: bad value 13");
  await page.screenshot({ path: test.info().outputPath("failed-items.png") });

  await list.locator('[data-item="13"]').click();
  const item = panel.getByTestId("item-detail");
  await expect(item.getByTestId("attempt-error")).toContainText("ValueError: bad value 13");
  await expect(item.getByTestId("attempt-error")).toContainText("Traceback");
  await page.screenshot({ path: test.info().outputPath("failed-item.png") });
  // The run completed, but its failed items can be run again.
  await expect(page.getByRole("button", { name: "Retry from failure" })).toBeVisible();
});

test("map settings are checked as they are made: a list that goes away shows on the cell until it is unmapped", async ({
  page,
  api,
}) => {
  const name = uniqueName("mapcheck");
  const imported = await api.post("/api/v1/flows", {
    data: {
      name,
      tasks: [
        { name: "rows", language: "python", code: "def main():\n    return [1, 2, 3]\n" },
        {
          name: "each",
          language: "python",
          dependsOn: ["rows"],
          map: "rows",
          code: "def main(rows):\n    return rows\n",
        },
      ],
    },
  });
  expect(imported.status(), await imported.text()).toBe(201);
  await signIn(page);
  await openEditor(page, name);
  const each = cell(page, "each");
  await expect(each.getByTestId("mapped-over")).toContainText("map over rows");
  await expect(page.locator(".react-flow__node [data-mapped]")).toHaveCount(1);
  await each.getByRole("button", { name: "Settings of each" }).click();

  // The list's task is deleted: the map now names nothing the task receives.
  page.once("dialog", (dialog) => void dialog.accept());
  await cell(page, "rows").getByRole("button", { name: "Delete task rows" }).click();
  const problems = each.getByRole("alert", { name: "Problems in each" });
  await expect(problems).toContainText(
    'map names "rows", which is neither a parameter of the flow nor an upstream task of "each"',
  );
  await page.screenshot({ path: test.info().outputPath("map-problem.png") });

  // Taken off the map, the problem goes, and so do the settings that apply only to mapped tasks.
  await each
    .getByRole("group", { name: "Lists to map over" })
    .getByRole("button", { name: "rows" })
    .click();
  await expect(problems).toHaveCount(0);
  await expect(each.getByTestId("mapped-over")).toHaveCount(0);
  await expect(each.getByLabel("Items at once")).toBeDisabled();
});
