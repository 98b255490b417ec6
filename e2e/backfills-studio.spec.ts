// Backfills in the studio: from a deployment's schedule, "Backfill…" shows how many runs 24
// hourly slots make and the first of them before anything is saved; started with at most 3 in
// flight, its page shows the progress live and it completes, with never more than 3 of its runs
// unfinished at once (checked from the runs' state history).
import { startAgent, stopAllAgents } from "./support/agents.ts";
import { mostInFlight } from "./support/backfills.ts";
import { deployFlow, expect, test, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";

test.afterEach(stopAllAgents);
// The dialog's times are the browser's wall-clock times: pin its zone so the slots are known.
test.use({ timezoneId: "UTC" });

test("a backfill of 24 hourly slots with at most 3 in flight shows progress and completes", async ({
  page,
  api,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const queue = uniqueName("q");
  const flow = uniqueName("hourly");
  const deployment = await deployFlow(
    api,
    { name: flow, tasks: [{ name: "a", language: "shell", code: "sleep 0.3; echo ok" }] },
    { workQueue: queue },
  );
  const schedule = await api.post(`/api/v1/deployments/${deployment.id}/schedules`, {
    data: { interval: "1h" },
  });
  expect(schedule.status(), await schedule.text()).toBe(201);
  startAgent({ apiUrl: baseURL!, queues: [queue], concurrency: 6 });

  await signIn(page);
  await page.goto("/deployments");
  await page
    .locator("tr[data-deployment='e2e']")
    .filter({ hasText: flow })
    .getByRole("button", { name: "Schedules" })
    .click();
  const schedules = page.getByRole("dialog", { name: `Schedules of ${flow}/e2e` });
  await expect(schedules.getByText("No backfills of this deployment")).toBeVisible();
  await schedules.locator("tr[data-schedule]").getByRole("button", { name: "Backfill…" }).click();

  const dialog = page.getByRole("dialog", { name: "Backfill every 1h" });
  await dialog.getByLabel("From").fill("2026-11-01T00:00");
  await dialog.getByLabel("To").fill("2026-11-01T23:00");
  await dialog.getByLabel("Max in flight").fill("3");
  const preview = dialog.getByTestId("backfill-preview");
  await expect(preview.locator("[data-slot-count]")).toHaveAttribute("data-slot-count", "24");
  await expect(preview).toContainText("24 runs: 24 slots of every 1h");
  await expect(preview.locator("li").first()).toHaveText("2026-11-01T00:00:00Z");
  await expect(preview.locator("li")).toHaveCount(10);
  // A range that runs backwards says what to fix, and cannot be started.
  await dialog.getByLabel("To").fill("2026-10-31T23:00");
  await expect(preview.getByRole("alert")).toContainText("swap them");
  await expect(dialog.getByRole("button", { name: "Start backfill" })).toBeDisabled();
  await dialog.getByLabel("To").fill("2026-11-01T23:00");
  await expect(preview).toContainText("24 runs");
  await dialog.getByRole("button", { name: "Start backfill" }).click();

  await expect(page).toHaveURL(/\/backfills\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { name: `Backfill of ${flow}/e2e` })).toBeVisible();
  const progress = page.getByRole("progressbar", { name: "Runs ended" });
  // Seen part way: some runs ended, not all (the page updates as they end).
  await expect
    .poll(async () => Number(await progress.getAttribute("aria-valuenow")), { intervals: [100] })
    .toBeGreaterThan(0);
  expect(Number(await progress.getAttribute("aria-valuenow"))).toBeLessThan(24);
  await expect(page.getByTestId("backfill-state")).toHaveText("Completed", { timeout: 60_000 });
  await expect(progress).toHaveAttribute("aria-valuenow", "24");
  await expect(page.getByTestId("backfill-counts")).toContainText("24/24 ended · Completed 24");
  const runs = page.locator("tr[data-run]");
  await expect(runs).toHaveCount(24);
  await expect(runs.first().getByRole("link", { name: "#1" })).toHaveAttribute(
    "href",
    /^\/runs\/[0-9a-f-]{36}$/,
  );
  await expect(page.getByRole("button", { name: "Cancel backfill" })).toHaveCount(0);

  const detail = (await (await api.get(`/api/v1/backfills/${id}`)).json()) as {
    runs: { id: string }[];
  };
  expect(
    await mostInFlight(
      api,
      detail.runs.map((r) => r.id),
    ),
  ).toBe(3);
});
