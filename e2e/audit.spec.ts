// The audit log from the outside: the studio's page (admins only) and `pipebook audit`, showing
// the changes a test has just made through the API, with who made them and with which key.
import type { APIRequestContext, Browser } from "@playwright/test";
import { pipebook } from "./support/cli.ts";
import { deploy, expect, flowYaml, importYaml, test, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";

type Made = { flow: string; runId: string; viewerKey: string; keyName: string };

/** A flow imported, deployed, triggered and cancelled, and a viewer's key made, all as admin. */
async function makeChanges(api: APIRequestContext): Promise<Made> {
  const flow = uniqueName("audited");
  expect((await importYaml(api, flowYaml(flow))).status()).toBe(201);
  // A queue no agent serves: the run waits, so cancelling it is a change of its own.
  const deployment = await deploy(api, flow, { workQueue: uniqueName("idle") });
  const run = await api.post(`/api/v1/deployments/${deployment.id}/runs`, { data: {} });
  const runId = ((await run.json()) as { id: string }).id;
  expect((await api.post(`/api/v1/flow-runs/${runId}/cancel`)).status()).toBe(202);
  // A name that would be markup if the page rendered it as HTML.
  const keyName = `<img src=x onerror="window.__auditXss=1">${uniqueName("k")}`;
  const key = await api.post("/api/v1/api-keys", { data: { name: keyName, role: "viewer" } });
  expect(key.status(), await key.text()).toBe(201);
  return { flow, runId, viewerKey: ((await key.json()) as { key: string }).key, keyName };
}

async function signInWith(browser: Browser, baseURL: string, key: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, { key });
  return { context, page };
}

test("@studio admins see who changed what; others see no link and are refused", async ({
  page,
  api,
  browser,
  baseURL,
}) => {
  const made = await makeChanges(api);
  await signIn(page);
  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Audit log" })
    .click();
  await expect(page).toHaveURL(/\/audit$/);

  const cancel = page.locator(`tr[data-action="run.cancel"][data-target="${made.runId}"]`);
  await expect(cancel).toBeVisible();
  await expect(cancel).toContainText("admin");
  await expect(cancel).toContainText("key: bootstrap");
  await expect(
    page.locator(`tr[data-action="run.create"][data-target="${made.runId}"]`),
  ).toBeVisible();
  await expect(
    page.locator('tr[data-action="flow.create"]').filter({ hasText: made.flow }),
  ).toBeVisible();
  const keyRow = page.locator('tr[data-action="apiKey.create"]').filter({ hasText: made.keyName });
  await expect(keyRow).toBeVisible();
  expect(await page.evaluate(() => (window as { __auditXss?: number }).__auditXss)).toBeUndefined();

  await page.getByLabel("Action").selectOption("run.cancel");
  await expect(page.locator("tr[data-action]").first()).toHaveAttribute(
    "data-action",
    "run.cancel",
  );
  await expect(page.locator('tr[data-action]:not([data-action="run.cancel"])')).toHaveCount(0);
  await page.getByLabel("Actor").fill("nobody-by-this-name");
  await page.getByLabel("Actor").press("Enter");
  await expect(page.getByText("No events match")).toBeVisible();

  const viewer = await signInWith(browser, baseURL!, made.viewerKey);
  const nav = viewer.page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Runs" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await viewer.page.goto("/audit");
  await expect(viewer.page.getByText("Only admins can read the audit log.")).toBeVisible();
  await expect(viewer.page.locator("tr[data-action]")).toHaveCount(0);
  // Forcing the procedure the page would call: refused on the server, not just hidden.
  const forced = await viewer.page.request.get("/api/trpc/audit.list?input=%7B%7D");
  expect(forced.status()).toBe(403);
  await viewer.context.close();
});

test("@api pipebook audit lists the changes with their actor, filtered; non-admins are refused", async ({
  api,
  baseURL,
}) => {
  const made = await makeChanges(api);
  const listed = await pipebook(baseURL!, ["audit", "--action", "run", "--since", "10m"]);
  expect(listed.code, listed.stderr).toBe(0);
  const lines = listed.stdout.split("\n");
  expect(lines[0]).toMatch(/^WHEN +WHO +VIA +ACTION +TARGET$/);
  const cancel = lines.find((l) => l.includes("run.cancel"));
  expect(cancel).toMatch(/admin +key: bootstrap .* run\.cancel/);
  expect(lines.some((l) => l.includes("flow.create"))).toBe(false);

  const json = await pipebook(baseURL!, ["audit", "--json", "--target", made.runId]);
  expect(json.code, json.stderr).toBe(0);
  type Events = { events: { action: string; actor: { name: string; via: string } }[] };
  const events = (JSON.parse(json.stdout) as Events).events;
  expect(events.map((e) => e.action)).toEqual(["run.cancel", "run.create"]);
  expect(events[0]!.actor).toMatchObject({ name: "admin", via: "key" });

  const bad = await pipebook(baseURL!, ["audit", "--action", "run.explode"]);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain("run.cancel");
  const refused = await api.get("/api/v1/audit-events", {
    headers: { authorization: `Bearer ${made.viewerKey}` },
  });
  expect(refused.status()).toBe(403);
});
