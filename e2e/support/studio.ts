// Helpers for driving the studio's flow editor in Chromium.
import type { Page } from "@playwright/test";
import { E2E_API_KEY } from "./constants.ts";
import { expect } from "./fixtures.ts";

/**
 * Signs in as a person would with an API key: the sign-in form, its "Use an API key instead"
 * and a click (no link signs a browser in by itself). `url`: another server than the suite's.
 */
export async function signIn(page: Page, options: { url?: string; key?: string } = {}) {
  await page.goto(`${options.url ?? ""}/login`);
  await page.getByRole("button", { name: "Use an API key instead" }).click();
  await page.getByLabel("API key").fill(options.key ?? E2E_API_KEY);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/flows$/);
}

/** Opens a flow in the editor and waits for its cells' editors to be ready. */
export async function openEditor(page: Page, flow: string) {
  await page.goto(`/flows/${flow}`);
  await expect(page.getByRole("button", { name: "Add task" })).toBeVisible();
}

export const cell = (page: Page, task: string) => page.locator(`section[data-task="${task}"]`);

/** Replaces a cell's code by pasting it, as a person copying code in would. */
export async function setCode(page: Page, task: string, code: string) {
  const editor = cell(page, task).locator(".monaco-editor .view-lines");
  await expect(editor).toBeVisible();
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("ControlOrMeta+V");
  await expect(editor).toContainText(code.trim().split("\n")[0]!.trim().slice(0, 20));
}

/** Drags an edge from one node's output handle to another node's input handle. */
export async function dragEdge(page: Page, from: string, to: string) {
  const source = page.locator(`.react-flow__node[data-id="${from}"] .react-flow__handle.source`);
  const target = page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle.target`);
  // The graph lays itself out again after each change: measure once it stands still.
  let a = (await source.boundingBox())!;
  let b = (await target.boundingBox())!;
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(50);
    const [a2, b2] = [(await source.boundingBox())!, (await target.boundingBox())!];
    const still = a2.x === a.x && a2.y === a.y && b2.x === b.x && b2.y === b.y;
    [a, b] = [a2, b2];
    if (still) break;
  }
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** In the open editor: deploys the saved version to the queue "default" and starts a run of it. */
export async function deployAndRun(page: Page) {
  await page.getByRole("button", { name: "Deploy" }).click();
  const deployDialog = page.getByRole("dialog");
  await deployDialog.getByRole("button", { name: "Deploy" }).click();
  await expect(deployDialog.getByRole("status")).toContainText("on queue default");
  // The deploy dialog ends on its next step: Run it.
  await deployDialog.getByRole("button", { name: "Run it" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]+$/);
}

/** Opens a dialog of the deployments page ("Schedules", "Triggers") on FLOW's "e2e" deployment. */
export async function openDeploymentDialog(page: Page, flow: string, what: string) {
  await page.goto("/deployments");
  await page
    .locator(`tr[data-deployment='e2e']`)
    .filter({ hasText: flow })
    .getByRole("button", { name: what })
    .click();
  return page.getByRole("dialog", { name: `${what} of ${flow}/e2e` });
}
