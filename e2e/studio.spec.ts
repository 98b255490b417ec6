// The studio shell in Chromium: sign-in, navigation, and lists read through tRPC.
import { E2E_API_KEY } from "./support/constants.ts";
import { deploy, expect, flowYaml, importYaml, test, uniqueName } from "./support/fixtures.ts";

test("signing in with an API key opens the flows list, which shows an imported flow", async ({
  page,
  api,
}) => {
  const name = uniqueName("studio");
  await importYaml(api, flowYaml(name));

  await page.goto("/flows");
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel("API key").fill("pb_wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("that API key is not valid")).toBeVisible();

  await page.getByLabel("API key").fill(E2E_API_KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/flows$/);
  const row = page.locator(`tr[data-flow="${name}"]`);
  await expect(row).toContainText("Count stars of some repositories");
  await expect(row).toContainText("v1");
});

test("the sign-in link with the key in its fragment signs in at once", async ({ page }) => {
  await page.goto(`/login#key=${E2E_API_KEY}`);
  await expect(page).toHaveURL(/\/flows$/);
  await expect(page.getByRole("heading", { name: "Flows" })).toBeVisible();
});

test("navigation reaches deployments and runs, which list what the API made", async ({
  page,
  api,
}) => {
  const name = uniqueName("nav");
  await importYaml(api, flowYaml(name));
  const deployment = await deploy(api, name);
  const run = await (
    await api.post(`/api/v1/deployments/${deployment.id}/runs`, { data: {} })
  ).json();

  await page.goto(`/login#key=${E2E_API_KEY}`);
  await expect(page).toHaveURL(/\/flows$/);
  await page.getByRole("link", { name: "Deployments" }).click();
  await expect(page.locator("tr[data-deployment='e2e']").filter({ hasText: name })).toBeVisible();
  await page.getByRole("link", { name: "Runs" }).click();
  const row = page.locator(`tr[data-run="${run.id}"]`);
  await expect(row).toContainText(name);
  await expect(row.locator("[data-state]")).toHaveText(/Scheduled|Late/);
  await api.post(`/api/v1/flow-runs/${run.id}/cancel`);
  // The list refreshes itself.
  await expect(row.locator("[data-state]")).toHaveText("Cancelled");
});

test("signing out returns to the sign-in page and locks the studio", async ({ page }) => {
  await page.goto(`/login#key=${E2E_API_KEY}`);
  await expect(page).toHaveURL(/\/flows$/);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/runs");
  await expect(page).toHaveURL(/\/login$/);
});
