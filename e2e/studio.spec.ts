// The studio shell in Chromium: sign-in, navigation, lists read through tRPC, the flows page's
// actions and the theme.
import { E2E_API_KEY } from "./support/constants.ts";
import {
  deploy,
  deployFlow,
  expect,
  flowYaml,
  importYaml,
  test,
  uniqueName,
} from "./support/fixtures.ts";
import { cell, openEditor, signIn } from "./support/studio.ts";

test("signing in with an API key opens the flows list, which shows an imported flow", async ({
  page,
  api,
}) => {
  const name = uniqueName("studio");
  await importYaml(api, flowYaml(name));

  await page.goto("/flows");
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole("button", { name: "Use an API key instead" }).click();
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

test("a link with a key in its fragment does not sign in without a click (no login CSRF)", async ({
  page,
}) => {
  await page.goto(`/login#key=${E2E_API_KEY}`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  // The key is taken out of the address bar, and nothing was sent with it.
  await expect(page).toHaveURL(/\/login$/);
  await page.waitForTimeout(1000);
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain("pipebook_session");
  await page.goto("/flows");
  await expect(page).toHaveURL(/\/login$/);
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

  await signIn(page);
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
  await signIn(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/runs");
  await expect(page).toHaveURL(/\/login$/);
});

test("flows page: import a file, rename, export and delete a flow", async ({ page }) => {
  const name = uniqueName("page");
  const renamed = uniqueName("renamed");
  await signIn(page);
  await page.getByLabel("Flow file to import").setInputFiles({
    name: "flow.yaml",
    mimeType: "application/yaml",
    buffer: Buffer.from(
      `name: ${name}\ntasks:\n  - name: hello\n    language: shell\n    code: echo hi\n`,
    ),
  });
  await expect(page).toHaveURL(new RegExp(`/flows/${name}$`));
  await expect(page.getByLabel("Task name")).toHaveValue("hello");

  await page.goto("/flows");
  const row = page.locator(`tr[data-flow="${name}"]`);
  await expect(row).toContainText("never run");
  await row.getByRole("button", { name: `Rename ${name}` }).click();
  await page.getByRole("dialog").getByLabel("Flow name").fill(renamed);
  await page.getByRole("dialog").getByRole("button", { name: "Rename" }).click();
  const renamedRow = page.locator(`tr[data-flow="${renamed}"]`);
  await expect(renamedRow).toContainText("v2");
  await expect(row).toHaveCount(0);

  const download = page.waitForEvent("download");
  await renamedRow.getByRole("button", { name: `Export ${renamed}` }).click();
  const file = await (await download).path();
  const text = (await import("node:fs")).readFileSync(file, "utf8");
  expect(text).toContain(`name: ${renamed}`);
  expect(text).toContain("code: echo hi");

  await renamedRow.getByRole("button", { name: `Delete ${renamed}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete flow" }).click();
  await expect(renamedRow).toHaveCount(0);
});

test("the theme follows the system or a choice, kept across reloads, editor included", async ({
  page,
  api,
}) => {
  const name = uniqueName("theme");
  await deployFlow(api, {
    name,
    tasks: [{ name: "a", language: "python", code: "def main():\n    return 1\n" }],
  });
  await page.emulateMedia({ colorScheme: "light" });
  await signIn(page);
  await openEditor(page, name);
  const html = page.locator("html");
  await expect(cell(page, "a").locator(".monaco-editor")).toHaveClass(/\bvs\b/);

  await page.getByRole("button", { name: "Theme: system" }).click();
  await expect(html).toHaveClass(/\blight\b/);
  await page.getByRole("button", { name: "Theme: light" }).click();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(cell(page, "a").locator(".monaco-editor")).toHaveClass(/vs-dark/);
  await expect(page.locator(".react-flow")).toHaveClass(/\bdark\b/);

  // Chosen before the first paint on the next load, whatever the system says.
  await page.reload();
  await expect(html).toHaveClass(/\bdark\b/);
  await expect(page.getByRole("button", { name: "Theme: dark" })).toBeVisible();
  await expect(cell(page, "a").locator(".monaco-editor")).toHaveClass(/vs-dark/);

  // Back to the system's: a dark system makes the studio dark without a class.
  await page.getByRole("button", { name: "Theme: dark" }).click();
  await expect(html).not.toHaveClass(/\b(dark|light)\b/);
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(cell(page, "a").locator(".monaco-editor")).toHaveClass(/vs-dark/);
});
