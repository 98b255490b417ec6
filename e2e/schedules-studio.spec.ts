// Schedules in the studio: a cron schedule with a time zone is added from the deployments page
// with its next runs previewed as it is typed, a bad rule says what is wrong, and the schedule
// is paused and removed.
import { deployFlow, expect, test, uniqueName } from "./support/fixtures.ts";
import { openDeploymentDialog, signIn } from "./support/studio.ts";

test("a cron schedule with a time zone is added with its preview, paused and removed", async ({
  page,
  api,
}) => {
  const flow = uniqueName("daily");
  await deployFlow(
    api,
    { name: flow, tasks: [{ name: "a", language: "shell", code: "true" }] },
    { workQueue: uniqueName("q") },
  );
  await signIn(page);
  const dialog = await openDeploymentDialog(page, flow, "Schedules");
  await expect(
    dialog.getByText("No schedule: this deployment runs only when triggered."),
  ).toBeVisible();

  const form = dialog.getByRole("form", { name: "Add a schedule" });
  await form.getByLabel("Time zone").fill("Asia/Tokyo");
  await form.getByLabel("Rule", { exact: true }).fill("0 9 * * *");
  const preview = form.getByTestId("schedule-preview");
  await expect(preview).toContainText("cron 0 9 * * * (Asia/Tokyo): the next 10 runs");
  const times = preview.locator("li");
  await expect(times).toHaveCount(10);
  // Every one at 09:00 in Tokyo (+09:00), a day apart.
  for (const t of await times.allTextContents()) expect(t).toMatch(/T09:00:00\+09:00$/);

  await form.getByLabel("Rule", { exact: true }).fill("0 9 * *");
  await expect(preview.getByRole("alert")).toContainText('"0 9 * *" has 4 fields: write 5');
  await expect(form.getByRole("button", { name: "Add schedule" })).toBeDisabled();
  await form.getByLabel("Rule", { exact: true }).fill("0 9 * * *");
  await expect(times).toHaveCount(10);
  await form.getByRole("button", { name: "Add schedule" }).click();

  const row = dialog.locator("tr[data-schedule]");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("cron 0 9 * * * (Asia/Tokyo)");
  await expect(row).toHaveAttribute("data-active", "true");
  await row.getByRole("button", { name: "Pause" }).click();
  await expect(row).toHaveAttribute("data-active", "false");
  await expect(row.locator("[data-next-run]")).toHaveText("paused");
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Remove" }).click();
  await expect(row).toHaveCount(0);
});
