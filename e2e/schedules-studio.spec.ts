// Schedules in the studio: a cron schedule with a time zone is added from the deployments page
// with its next runs previewed as it is typed, a bad rule says what is wrong, and the schedule
// is paused and removed; the deploy dialog sets the overlap policy and adds a schedule.
import { deployFlow, expect, test, uniqueName } from "./support/fixtures.ts";
import { openDeploymentDialog, openEditor, signIn } from "./support/studio.ts";

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

test("the deploy dialog sets the overlap policy and adds a schedule with its preview", async ({
  page,
  api,
}) => {
  const flow = uniqueName("deployed");
  const imported = await api.post("/api/v1/flows", {
    data: { name: flow, tasks: [{ name: "a", language: "shell", code: "true" }] },
  });
  expect(imported.status()).toBe(201);
  await signIn(page);
  await openEditor(page, flow);
  await page.getByRole("button", { name: "Deploy" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Work queue").fill(uniqueName("q"));
  await dialog.getByLabel("When a scheduled run overlaps the previous one").selectOption("skip");
  await dialog.getByRole("button", { name: "Deploy" }).click();
  await expect(dialog.getByRole("status")).toContainText(`Deployed ${flow}/default`);

  const form = dialog.getByRole("form", { name: "Add a schedule" });
  await form.getByLabel("Time zone").fill("America/New_York");
  await form.getByLabel("Rule", { exact: true }).fill("30 7 * * 1-5");
  const times = form.getByTestId("schedule-preview").locator("li");
  await expect(times).toHaveCount(10);
  for (const t of await times.allTextContents()) expect(t).toMatch(/T07:30:00-0[45]:00$/);
  await form.getByRole("button", { name: "Add schedule" }).click();
  await expect(dialog.locator("tr[data-schedule]")).toContainText(
    "cron 30 7 * * 1-5 (America/New_York)",
  );

  const listed = (await (await api.get(`/api/v1/deployments?flow=${flow}`)).json()) as {
    deployments: { id: string; overlap: string }[];
  };
  expect(listed.deployments[0]!.overlap).toBe("skip");
});
