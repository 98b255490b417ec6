// Browser Back and Forward through the whole studio: every page renders again, and nothing
// throws — the run page once crashed the editor it was left for ("This page couldn't load",
// `TypeError: i is not a function`: an effect returned scrollIntoView's Promise).
import type { Page } from "@playwright/test";
import { startAgent, stopAllAgents } from "./support/agents.ts";
import { deployFlow, expect, test, uniqueName } from "./support/fixtures.ts";
import { cell, deployAndRun, setCode, signIn } from "./support/studio.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

/** Page errors and console errors, from the moment it is called. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.stack ?? error.message}`));
  page.on("console", (message) => {
    // Chromium asks for /favicon.ico on its own; the studio has none.
    if (message.type() === "error" && !message.location().url.endsWith("/favicon.ico")) {
      errors.push(`console: ${message.text()} (${message.location().url})`);
    }
  });
  return errors;
}

const at = async (page: Page, path: RegExp) => {
  await expect(page).toHaveURL(path);
  await expect(page.getByText("This page couldn’t load")).toHaveCount(0);
};
const onFlows = async (page: Page) => {
  await at(page, /\/flows$/);
  await expect(page.getByRole("heading", { name: "Flows", level: 1 })).toBeVisible();
};
const onEditor = async (page: Page, flow: string, version: string, code: string) => {
  await at(page, new RegExp(`/flows/${flow}$`));
  await expect(page.getByTestId("version")).toHaveText(version);
  // The cells' editors are alive: they show the code of that version.
  await expect(cell(page, "shout").locator(".view-lines")).toContainText(code);
};
const onRun = async (page: Page) => {
  await at(page, /\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-state")).toContainText("Completed", { timeout: 30_000 });
};
const PATHS = {
  Runs: "/runs",
  Deployments: "/deployments",
  "Work queues": "/work-queues",
  Agents: "/agents",
  Home: "",
} as const;
const onList = async (page: Page, title: keyof typeof PATHS) => {
  await at(page, new RegExp(`${PATHS[title]}/?$`));
  await expect(page.getByRole("heading", { name: title, level: 1 })).toBeVisible();
};

test("Back and Forward through flows, editor, run, runs and deployments: every page renders, nothing throws", async ({
  page,
  api,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const agent = startAgent({ apiUrl: baseURL!, queues: ["default"] });
  await agent.waitFor(/connected to/);
  const name = uniqueName("nav");
  await deployFlow(api, {
    name,
    tasks: [
      { name: "load", language: "python", code: "def main():\n    return 'hi'\n" },
      { name: "shout", language: "shell", dependsOn: ["load"], code: 'echo "v1 says $LOAD"\n' },
    ],
  });
  const errors = collectErrors(page);
  await signIn(page);
  await onFlows(page);

  await page.getByRole("link", { name, exact: true }).click();
  await onEditor(page, name, "v1", "v1 says");
  // Saved, deployed and run from the editor: the run page shows log lines as it goes.
  await setCode(page, "shout", 'echo "v2 says $LOAD"\n');
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("Saved as version 2");
  await deployAndRun(page);
  await onRun(page);
  await page.locator('[data-testid="run-graph"] [data-task="shout"]').click();
  await expect(page.getByTestId("task-panel").getByTestId("log-lines")).toContainText("v2 says hi");
  await page.getByRole("button", { name: "Close the task panel" }).click();
  // Closing replaces the address (no new history step); Back must leave from that address.
  await at(page, /\/runs\/[0-9a-f-]{36}$/);

  // Back to the editor: the version saved last, not the one first opened.
  await page.goBack();
  await onEditor(page, name, "v2", "v2 says");
  await page.goForward();
  await onRun(page);
  await page.goBack();
  await onEditor(page, name, "v2", "v2 says");
  // The editor still edits after coming back.
  await cell(page, "shout").locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("# typed after Back");
  await expect(cell(page, "shout").locator(".view-lines")).toContainText("# typed after Back");
  await expect(page.getByTestId("save-status")).toHaveText("Unsaved changes");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("Saved as version 3");

  // Forward again, then away from the run page by a link (not Back): it unmounts all the same.
  const nav = page.getByRole("navigation", { name: "Main" });
  await page.goForward();
  await onRun(page);
  await nav.getByRole("link", { name: "Flows" }).click();
  await onFlows(page);
  await page.goBack();
  await onRun(page);

  // The lists, and all the way back and forward again.
  await nav.getByRole("link", { name: "Runs" }).click();
  await onList(page, "Runs");
  await nav.getByRole("link", { name: "Deployments" }).click();
  await onList(page, "Deployments");
  await page.goBack();
  await onList(page, "Runs");
  await page.goBack();
  await onRun(page);
  await page.goBack();
  await onEditor(page, name, "v3", "# typed after Back");
  await page.goBack();
  await onFlows(page);
  await page.goForward();
  await onEditor(page, name, "v3", "# typed after Back");
  await page.goForward();
  await onRun(page);
  await page.goForward();
  await onList(page, "Runs");
  await page.goForward();
  await onList(page, "Deployments");

  // The operations pages, there and back again.
  for (const title of ["Work queues", "Agents", "Home"] as const) {
    await nav.getByRole("link", { name: title }).click();
    await onList(page, title);
  }
  await page.goBack();
  await onList(page, "Agents");
  await page.goBack();
  await onList(page, "Work queues");
  await page.goBack();
  await onList(page, "Deployments");
  await page.goForward();
  await onList(page, "Work queues");

  expect(errors).toEqual([]);
});
