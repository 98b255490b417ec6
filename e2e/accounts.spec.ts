// Accounts in the browser: the first admin made from the link a fresh server prints, and an
// invited viewer who joins through their link, sees no edit controls and is refused a forced
// write.
import crypto from "node:crypto";
import { expect, flowYaml, importYaml, test, uniqueName } from "./support/fixtures.ts";
import { startServer, tempHome } from "./support/server-process.ts";
import { signIn } from "./support/studio.ts";

const PASSWORD = "a long enough password";
const NEW_PASSWORD = "another long password";

test("the first admin is made from the setup link the first start prints, and signs in later", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const env = { PIPEBOOK_HOME: tempHome(), PIPEBOOK_BOOTSTRAP_API_KEY: "" };
  const server = await startServer(["--port", "0"], env);
  let restarted: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const link = /Create the first admin: (\S+\/setup#token=\S+)\n/.exec(server.output())?.[1];
    expect(link, server.output()).toBeTruthy();
    await page.goto(link!);
    await page.getByLabel("Email").fill("Ada@Example.org");
    await page.getByLabel("Name").fill("Ada");
    await page.getByLabel("Password", { exact: true }).fill("too short");
    await page.getByLabel("Repeat the password").fill("too short");
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await expect(page.locator("form [role=alert]")).toContainText(
      "the password must be at least 12 characters",
    );
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Repeat the password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await expect(page).toHaveURL(/\/flows$/);
    const sidebar = page.getByRole("navigation", { name: "Main" });
    await expect(sidebar.getByRole("link", { name: "Ada" })).toBeVisible();
    await expect(sidebar.getByRole("link", { name: "Users" })).toBeVisible();

    // Ada changes her password on her Account page (from her name in the sidebar).
    await sidebar.getByRole("link", { name: "Ada" }).click();
    await expect(page).toHaveURL(/\/account$/);
    const change = page.getByRole("form", { name: "Change password" });
    await change.getByLabel("Current password").fill("not her password");
    await change.getByLabel(/^New password/).fill(NEW_PASSWORD);
    await change.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
    await change.getByRole("button", { name: "Change password" }).click();
    await expect(change.getByRole("alert")).toHaveText("the current password is wrong");
    await change.getByLabel("Current password").fill(PASSWORD);
    await change.getByRole("button", { name: "Change password" }).click();
    await expect(change.getByRole("status")).toContainText("Password changed.");

    // The link worked once.
    await page.context().clearCookies();
    await page.goto(link!);
    await page.getByLabel("Email").fill("eve@example.org");
    await page.getByLabel("Name").fill("Eve");
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Repeat the password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await expect(page.locator("form [role=alert]")).toContainText(
      "this setup link was used already",
    );

    // Once an admin exists, a start prints no setup link; Ada signs in with her password.
    await server.stop();
    restarted = await startServer(["--port", "0"], env);
    expect(restarted.output()).toContain(`Sign in to the studio: ${restarted.url}/login\n`);
    expect(restarted.output()).not.toContain("Create the first admin");
    await page.goto(`${restarted.url}/login`);
    await page.getByLabel("Email").fill("ada@example.org");
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/flows$/);
  } finally {
    await server.stop();
    await restarted?.stop();
  }
});

test("an invited viewer joins through the link, sees no edit controls, and a forced write is refused", async ({
  page,
  api,
  browser,
}) => {
  const flow = uniqueName("invited");
  await importYaml(api, flowYaml(flow));
  const email = `viewer-${crypto.randomBytes(4).toString("hex")}@example.org`;

  await signIn(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await page.getByRole("button", { name: "Invite" }).click();
  const form = page.getByRole("form", { name: "Invite a person" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption("viewer");
  await form.getByRole("button", { name: "Create invitation link" }).click();
  const link = (await page.getByTestId("invite-link").textContent())!;
  expect(link).toMatch(/\/invite#token=[A-Za-z0-9_-]{43}$/);
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.locator(`tr[data-invite="${email}"]`)).toContainText("viewer");

  const context = await browser.newContext({ baseURL: new URL(link).origin });
  const viewer = await context.newPage();
  try {
    await viewer.goto(link);
    await viewer.getByLabel("Name").fill(`Viewer ${email.slice(7, 15)}`);
    await viewer.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await viewer.getByLabel("Repeat the password").fill(PASSWORD);
    await viewer.getByRole("button", { name: "Join and sign in" }).click();
    await expect(viewer).toHaveURL(/\/flows$/);
    // Reads work; the controls that change things are not there.
    await expect(viewer.locator(`tr[data-flow="${flow}"]`)).toBeVisible();
    await expect(viewer.getByRole("button", { name: "New flow" })).toHaveCount(0);
    await expect(viewer.getByRole("button", { name: "Import" })).toHaveCount(0);
    await expect(viewer.getByRole("link", { name: "Users" })).toHaveCount(0);
    // Forcing a write with the viewer's own session: refused by the server.
    const forced = await viewer.request.post("/api/trpc/flows.create", {
      data: { name: uniqueName("forced") },
    });
    expect(forced.status()).toBe(403);
    expect(await forced.text()).toContain("this needs the editor role or higher");

    // The admin sees the new account, and the invitation is no longer pending.
    await page.reload();
    await expect(page.locator(`tr[data-user="${email}"]`)).toContainText("viewer");
    await expect(page.locator(`tr[data-invite="${email}"]`)).toHaveCount(0);

    // An email holding markup is shown as text in the list of invitations.
    const markup = `<img/src=x/onerror=document.title='owned'>${crypto.randomBytes(2).toString("hex")}@example.org`;
    expect((await api.post("/api/v1/invites", { data: { email: markup } })).status()).toBe(201);
    await page.reload();
    await expect(page.getByRole("table", { name: "Pending invitations" })).toContainText(markup);
    await expect(page.locator("main img")).toHaveCount(0);
    expect(await page.title()).not.toBe("owned");
  } finally {
    await context.close();
  }
});
