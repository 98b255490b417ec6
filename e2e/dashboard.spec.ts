// The home dashboard and the deployments page in Chromium, against a real server and agents.
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

const failing = (name: string) => ({
  name,
  tasks: [
    { name: "extract", language: "python", code: "def main():\n    return [1, 2, 3]\n" },
    {
      name: "transform",
      language: "python",
      dependsOn: ["extract"],
      code: 'def main(extract):\n    raise ValueError("bad row 12\\nmore detail")\n',
    },
    { name: "load", language: "shell", dependsOn: ["transform"], code: "echo $TRANSFORM" },
  ],
});

test("home shows a failed run with its failing task and error line, and links to the runs", async ({
  page,
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const flow = uniqueName("dash");
  const deployment = await deployFlow(api, failing(flow), { workQueue: queue });
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const id = await trigger(api, deployment.id);
  expect((await waitForRun(api, id)).state).toBe("Failed");

  await signIn(page);
  await page.getByRole("link", { name: "Home" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Home" })).toBeVisible();
  const failure = page.locator(`[data-failure="${id}"]`);
  await expect(failure).toContainText(flow);
  await expect(failure.locator("[data-failing-task]")).toHaveText("transform:");
  await expect(failure.locator("[data-error-line]")).toHaveText("ValueError: bad row 12");
  // The chart counts it in this hour.
  await expect(
    page.getByRole("figure", { name: "Runs of the last 24 hours by state" }).getByRole("link", {
      name: /^Failed \d+/,
    }),
  ).toBeVisible();

  await failure.getByRole("link", { name: flow }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${id}$`));
  await page.goBack();
  await page.getByRole("link", { name: "All failures" }).click();
  await expect(page).toHaveURL(/\/runs\?state=Failed%2CCrashed$/);
  await expect(page.locator(`tr[data-run="${id}"]`)).toBeVisible();
  await expect(page.locator('[data-chip="Failed"]')).toHaveAttribute("aria-pressed", "true");
});

test("the deployments page links to the flow and its runs, shows the last run, and runs it", async ({
  page,
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const flow = uniqueName("deps");
  const deployment = await deployFlow(
    api,
    {
      name: flow,
      parameters: { type: "object", properties: { word: { type: "string", default: "hi" } } },
      tasks: [{ name: "say", language: "shell", code: 'echo "$WORD"' }],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const first = await trigger(api, deployment.id);
  await waitForRun(api, first);

  await signIn(page);
  await page.getByRole("link", { name: "Deployments" }).click();
  const row = page.locator(`tr[data-deployment-id="${deployment.id}"]`);
  await expect(row.locator("[data-last-run] [data-state]")).toHaveText("Completed");
  await expect(row.locator("[data-last-run] a")).toHaveAttribute("href", `/runs/${first}`);

  // Run: the editor's dialog, on this deployment; the run page follows.
  await row.getByRole("button", { name: "Run" }).click();
  const dialog = page.getByRole("dialog", { name: `Run ${flow}` });
  await expect(dialog.getByLabel("Deployment")).toHaveValue(deployment.id);
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const second = page.url().split("/").at(-1)!;
  expect(second).not.toBe(first);
  expect((await waitForRun(api, second)).state).toBe("Completed");

  // Its runs: the runs page filtered to this deployment, newest first.
  await page.goto("/deployments");
  await expect(row.locator("[data-last-run] a")).toHaveAttribute("href", `/runs/${second}`);
  await row.getByRole("link", { name: "Run history" }).click();
  await expect(page).toHaveURL(new RegExp(`/runs\\?deployment=${deployment.id}$`));
  await expect
    .poll(() =>
      page.locator("tr[data-run]").evaluateAll((r) => r.map((e) => e.getAttribute("data-run"))),
    )
    .toEqual([second, first]);

  // Its flow: the editor.
  await page.goBack();
  await row.getByRole("link", { name: flow }).click();
  await expect(page).toHaveURL(new RegExp(`/flows/${flow}$`));
  await expect(page.getByRole("button", { name: "Add task" })).toBeVisible();
});

test("the run form checks an untrusted parameter pattern at once, as the server does", async ({
  page,
  api,
}) => {
  const flow = uniqueName("pattern");
  const deployment = await deployFlow(api, {
    name: flow,
    parameters: { type: "object", properties: { word: { type: "string", pattern: "^(a+)+$" } } },
    tasks: [{ name: "say", language: "shell", code: 'echo "$WORD"' }],
  });
  await signIn(page);
  await page.goto("/deployments");
  await page
    .locator(`tr[data-deployment-id="${deployment.id}"]`)
    .getByRole("button", { name: "Run" })
    .click();
  const dialog = page.getByRole("dialog", { name: `Run ${flow}` });
  // A backtracking RegExp would hold the page for hours on this value (contract/parameter-pattern.ts).
  await dialog.getByLabel("word").fill(`${"a".repeat(40)}!`);
  const started = Date.now();
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(
    'parameter "word" must match pattern "^(a+)+$"',
  );
  expect(Date.now() - started).toBeLessThan(5_000);
  await expect(page).toHaveURL(/\/deployments$/);
});
