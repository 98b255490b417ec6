// Caching and retention in the studio: a Cached task's panel names the run and task its result
// came from (the link opens that task there), the run dialog's "Refresh caches" runs it again,
// and retention limits are saved on the Settings page and run on demand.
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";

test.afterEach(async ({ api }) => {
  await stopAllAgents();
  // Retention is global: leave none behind for other specs.
  await api.put("/api/v1/retention", {
    data: { logsDays: null, resultsDays: null, artifactsDays: null },
  });
});

type TaskView = {
  name: string;
  state: string;
  cachedFrom: { flowRunId: string; task: string } | null;
};

test("a cached task shows where its result came from, and Refresh caches runs it again", async ({
  page,
  api,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const flow = uniqueName("cached");
  const queue = uniqueName("q");
  const { id: deploymentId } = await deployFlow(
    api,
    {
      name: flow,
      tasks: [
        {
          name: "slow_sum",
          language: "python",
          cache: { expiresSeconds: 3600 },
          code: "def main():\n    return sum(range(10))\n",
        },
      ],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const first = await trigger(api, deploymentId);
  expect((await waitForRun(api, first)).state).toBe("Completed");
  const second = await trigger(api, deploymentId);
  const run = (await waitForRun(api, second)) as unknown as { taskRuns: TaskView[] };
  expect(run.taskRuns[0]).toMatchObject({
    state: "Cached",
    cachedFrom: { flowRunId: first, task: "slow_sum" },
  });

  await signIn(page);
  await page.goto(`/runs/${second}?task=slow_sum`);
  const panel = page.getByTestId("task-panel");
  const origin = panel.getByTestId("result-origin");
  await expect(origin).toContainText(`run ${first.slice(0, 8)} · slow_sum`);
  await expect(origin).toContainText("cache hit; made");
  await origin.getByTestId("result-from").click();
  await expect(page).toHaveURL(new RegExp(`/runs/${first}\\?task=slow_sum$`));
  await expect(page.getByTestId("run-state")).toHaveText("Completed");
  await expect(
    page.getByTestId("task-panel").getByRole("heading", { name: "slow_sum" }),
  ).toBeVisible();

  // The run dialog of the deployments page, with Refresh caches: the task runs again.
  await page.goto("/deployments");
  await page
    .locator(`tr[data-deployment-id="${deploymentId}"]`)
    .getByRole("button", { name: "Run" })
    .click();
  const dialog = page.getByRole("dialog", { name: `Run ${flow}` });
  await dialog.getByLabel("Refresh caches").check();
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const refreshed = page.url().split("/").at(-1)!;
  await expect(page.getByText("refreshed (cached tasks ran again)")).toBeVisible();
  const fresh = (await waitForRun(api, refreshed)) as unknown as { taskRuns: TaskView[] };
  expect(fresh.taskRuns[0]).toMatchObject({ state: "Completed", cachedFrom: null });
});

test("retention limits are saved on the Settings page, and a pass runs on demand", async ({
  page,
  api,
}) => {
  await signIn(page);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  const section = page.getByRole("region", { name: "Retention" });
  const form = section.getByRole("form", { name: "Global retention" });
  await form.getByLabel("Logs: days to keep").fill("0");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByRole("alert")).toContainText("a whole number of days from 1 to 36500");

  await form.getByLabel("Logs: days to keep").fill("30");
  await form.getByLabel("Results: days to keep").fill("14");
  await form.getByLabel("Artifacts: days to keep").fill("21");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(section.getByRole("status")).toHaveText("Saved.");
  const saved = await api.get("/api/v1/retention");
  expect((await saved.json()).global).toEqual({
    logsDays: 30,
    resultsDays: 14,
    artifactsDays: 21,
  });

  await page.reload();
  const again = page.getByRole("form", { name: "Global retention" });
  await expect(again.getByLabel("Logs: days to keep")).toHaveValue("30");
  await expect(again.getByLabel("Results: days to keep")).toHaveValue("14");
  await expect(again.getByLabel("Artifacts: days to keep")).toHaveValue("21");

  // A deployment's own limits, over the global ones.
  const flow = uniqueName("kept");
  const { id: deploymentId } = await deployFlow(api, {
    name: flow,
    tasks: [{ name: "t", language: "shell", code: "true" }],
  });
  await page.reload();
  await page.getByLabel("Give a deployment its own limits").selectOption(deploymentId);
  const own = page.getByRole("form", { name: `Retention of ${flow}/e2e` });
  await expect(own.getByLabel("Results: days to keep")).toHaveValue("30");
  await own.getByLabel("Results: days to keep").fill("60");
  await own.getByRole("button", { name: "Save" }).click();
  await expect
    .poll(async () => (await (await api.get("/api/v1/retention")).json()).deployments)
    .toContainEqual(expect.objectContaining({ deploymentId, logsDays: null, resultsDays: 60 }));
  await api.put(`/api/v1/deployments/${deploymentId}/retention`, {
    data: { logsDays: null, resultsDays: null },
  });

  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByTestId("last-pass")).toContainText(
    /deleted [\d,]+ log line\(s\) and [\d,]+ result\(s\)/,
  );
});
