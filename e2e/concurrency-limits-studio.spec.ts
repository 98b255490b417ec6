// Concurrency limits in the studio: a tag limit set on the work queues page holds a second run
// back — the queue's preview and the run page say which slot it waits for — and the run starts
// once the first ends; a deployment is paused and resumed from the deployments page.
import { startAgent, stopAllAgents } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";

const tagsMade: string[] = [];

// A tag limit anywhere puts every claim of the server on the serialized path: remove ours.
test.afterEach(async ({ api }) => {
  await stopAllAgents();
  for (const tag of tagsMade.splice(0)) await api.delete(`/api/v1/concurrency-limits/tags/${tag}`);
});

test("the queue page shows a run waiting for a concurrency slot, then running", async ({
  page,
  api,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const tag = uniqueName("db");
  const queue = uniqueName("q");
  tagsMade.push(tag);
  const { id: deploymentId } = await deployFlow(
    api,
    {
      name: uniqueName("slow"),
      tasks: [{ name: "work", language: "shell", code: "sleep 3; echo done" }],
    },
    { workQueue: queue, tags: [tag] },
  );

  await signIn(page);
  await page.goto("/work-queues");
  const limits = page.getByRole("region", { name: "Concurrency limits" });
  const form = limits.getByRole("form", { name: "Set a tag limit" });
  await form.getByLabel("Tag").fill(tag);
  await form.getByLabel("At most at once").fill("1");
  await form.getByRole("button", { name: "Set limit" }).click();
  const slots = limits.locator(`[data-limit="tag:${tag}"]`).getByTestId("slots");
  await expect(slots).toHaveText("0/1 in use");

  const first = await trigger(api, deploymentId);
  const second = await trigger(api, deploymentId);
  startAgent({ apiUrl: baseURL!, queues: [queue], tags: [tag], concurrency: 2 });

  const row = page.locator(`tr[data-queue="${queue}"]`);
  await row.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByRole("region", { name: `Preview of ${queue}` });
  const waiting = preview.locator(`li[data-run="${second}"]`).getByTestId("waiting-for");
  await expect(waiting).toHaveText(`Waiting for a slot of tag ${tag} (1/1 in use)`);
  await expect(slots).toHaveText("1/1 in use");
  await expect(preview.locator(`li[data-run="${first}"]`)).toHaveCount(0);

  // The first ends (3 s); the second takes its slot: it leaves the queue and runs.
  await expect(preview.locator(`li[data-run="${second}"]`)).toHaveCount(0, { timeout: 15_000 });
  await expect(preview.getByText("No runs wait in this queue.")).toBeVisible();
  await expect(row.getByTestId("running")).toHaveText("1");
  await page.goto(`/runs/${second}`);
  await expect(page.getByTestId("waiting-for")).toHaveCount(0);
  await expect(page.getByTestId("run-state")).toHaveText(/Running|Completed/);
});

test("a run page says why its run waits; the deployment is paused and resumed from the deployments page", async ({
  page,
  api,
}) => {
  const flow = uniqueName("pausable");
  const queue = uniqueName("q");
  const d = await deployFlow(
    api,
    { name: flow, tasks: [{ name: "a", language: "shell", code: "true" }] },
    { workQueue: queue },
  );
  await signIn(page);
  await page.goto("/deployments");
  const row = page.locator(`tr[data-deployment-id="${d.id}"]`);
  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row.getByTestId("paused-badge")).toHaveText("Paused");

  await row.getByRole("button", { name: "Limit" }).click();
  const dialog = page.getByRole("dialog", { name: `Concurrency limit of ${flow}/e2e` });
  await dialog.getByRole("spinbutton").fill("2");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(row.getByTestId("limit")).toHaveText("2");

  const run = await trigger(api, d.id);
  await page.goto(`/runs/${run}`);
  await expect(page.getByTestId("waiting-for")).toHaveText("Deployment paused");

  await page.goto("/deployments");
  await row.getByRole("button", { name: "Resume" }).click();
  await expect(row.getByTestId("paused-badge")).toHaveCount(0);
  const view = await (await api.get(`/api/v1/deployments/${d.id}`)).json();
  expect(view).toMatchObject({ paused: false, concurrencyLimit: 2 });
});
