// Triggers in the studio: a webhook trigger is added from the deployments page, its URL is shown
// once, a call to it starts a run, and the dialog shows that firing; the run names its trigger.
import { deployFlow, expect, test, uniqueName } from "./support/fixtures.ts";
import { openDeploymentDialog, signIn } from "./support/studio.ts";

test("a webhook trigger is added, its URL shown once, and a call to it shows as a firing", async ({
  page,
  api,
  playwright,
}) => {
  const flow = uniqueName("hooked");
  await deployFlow(
    api,
    {
      name: flow,
      parameters: { type: "object", properties: { n: { type: "integer" } } },
      tasks: [{ name: "a", language: "shell", code: "true" }],
    },
    { workQueue: uniqueName("q") },
  );
  await signIn(page);
  const dialog = await openDeploymentDialog(page, flow, "Triggers");
  await expect(dialog.getByText("No trigger:")).toBeVisible();

  const form = dialog.getByRole("form", { name: "Add a trigger" });
  await form.getByLabel("Name").fill("deploy-hook");
  await form.getByLabel("Parameter map").fill("n=/count");
  await form.getByRole("button", { name: "Add trigger" }).click();
  const shown = dialog.getByTestId("webhook-url");
  await expect(shown).toContainText("/api/v1/hooks/");
  const url = (await shown.textContent())!;
  await expect(dialog.getByText(`curl -X POST -H 'content-type: application/json'`)).toBeVisible();
  const row = dialog.locator("tr[data-trigger='deploy-hook']");
  await expect(row).toContainText("webhook (token");
  await expect(row.locator("[data-last-firing]")).toHaveText("never");

  const outside = await playwright.request.newContext();
  const wrong = await outside.post(url, { data: { count: "x" } });
  expect(wrong.status()).toBe(400);
  const call = await outside.post(url, { data: { count: 5 } });
  expect(call.status(), await call.text()).toBe(201);
  const { runId } = (await call.json()) as { runId: string };
  await outside.dispose();

  await expect(row.locator("[data-last-firing]")).toContainText("started a run");
  await row.locator("[data-last-firing] button").click();
  const firing = dialog.getByRole("list", { name: "Recent firings" }).locator("[data-firing]");
  await expect(firing).toHaveCount(1);
  await expect(firing).toContainText(`started run ${runId.slice(0, 8)}`);

  // The run names the trigger that started it.
  await firing.getByRole("link", { name: /started run/ }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(page.locator("dt", { hasText: "Trigger" }).locator("+ dd")).toHaveText(
    "deploy-hook",
  );

  const again = await openDeploymentDialog(page, flow, "Triggers");
  const same = again.locator("tr[data-trigger='deploy-hook']");
  await same.getByRole("button", { name: "Turn off" }).click();
  await expect(same).toHaveAttribute("data-active", "false");
  page.once("dialog", (d) => void d.accept());
  await same.getByRole("button", { name: "Remove" }).click();
  await expect(same).toHaveCount(0);
});
