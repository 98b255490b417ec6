// The flow editor's ergonomics in Chromium against a real server and a real agent: drafts that
// survive a reload, version history, the keyboard, and the resizable divider.
import { startAgent, stopAllAgents, type AgentProcess } from "./support/agents.ts";
import { deployFlow, expect, test, uniqueName } from "./support/fixtures.ts";
import { cell, openEditor, setCode, signIn } from "./support/studio.ts";

let agent: AgentProcess;

test.beforeAll(async ({ baseURL }) => {
  agent = startAgent({ apiUrl: baseURL!, queues: ["default"] });
  await agent.waitFor(/connected|registered/i);
});

test.afterAll(async () => {
  await stopAllAgents();
});

test("unsaved changes survive a reload as a draft; history restores an older version", async ({
  page,
  api,
}) => {
  const name = uniqueName("draft");
  await deployFlow(api, {
    name,
    tasks: [{ name: "a", language: "python", code: "def main():\n    return 'first'\n" }],
  });
  await signIn(page);
  await openEditor(page, name);
  await setCode(page, "a", "def main():\n    return 'second'\n");
  await expect(page.getByTestId("save-status")).toHaveText("Unsaved changes");
  // The studio's own links ask before leaving unsaved changes; staying keeps everything.
  page.once("dialog", (dialog) => {
    expect(dialog.message()).toContain(`${name} has unsaved changes`);
    void dialog.dismiss();
  });
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Runs" }).click();
  await expect(page).toHaveURL(new RegExp(`/flows/${name}$`));
  await expect(page.getByTestId("save-status")).toHaveText("Unsaved changes");
  // No pause before leaving: what was typed last is kept as the page goes away.
  page.on("dialog", (dialog) => void dialog.accept());
  await page.reload();
  await expect(
    page.getByRole("status").filter({ hasText: "Restored unsaved changes" }),
  ).toBeVisible();
  await expect(cell(page, "a").locator(".view-lines")).toContainText("second");

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("version")).toHaveText("v2");
  await page.getByRole("button", { name: "History" }).click();
  const history = page.getByRole("dialog");
  await expect(history.locator("tr[data-version]")).toHaveCount(2);
  await expect(history.getByTestId("version-diff")).toContainText("second");
  await history.getByRole("button", { name: "Restore v1" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("Restored as version 3");
  await expect(cell(page, "a").locator(".view-lines")).toContainText("first");
  const flows = await (await api.get("/api/v1/flows")).json();
  expect(flows.flows.find((f: { name: string }) => f.name === name).version).toBe(3);

  // Saved the instant typing stops: the save carries the last keystrokes.
  await cell(page, "a").locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("# typed last");
  await page.keyboard.press("ControlOrMeta+S");
  await expect(page.getByTestId("save-status")).toHaveText("Saved as version 4");
  await page.reload();
  await expect(cell(page, "a").locator(".view-lines")).toContainText("# typed last");
});

test("keyboard first: Escape leaves a cell's code, ↑/↓ move between cells, Enter goes back in, Shift+Enter runs", async ({
  page,
  api,
}) => {
  const name = uniqueName("keys");
  await deployFlow(api, {
    name,
    tasks: [
      { name: "a", language: "python", code: "def main():\n    return 20\n" },
      { name: "b", language: "python", dependsOn: ["a"], code: "def main(a):\n    return a + 1\n" },
      { name: "c", language: "shell", code: "echo c\n" },
    ],
  });
  await signIn(page);
  await openEditor(page, name);
  // Monaco marks the editor that has the keyboard (its input element lives outside the cell).
  const codeFocused = (task: string) => cell(page, task).locator(".monaco-editor.focused");

  // Shift+Enter in a cell's code runs that cell (not the one whose editor was made last).
  await cell(page, "a").locator(".view-lines").click();
  await page.keyboard.press("Shift+Enter");
  await expect(cell(page, "a").getByTestId("cell-result")).toHaveText("20", { timeout: 30_000 });
  await expect(cell(page, "c").getByTestId("cell-output")).toHaveCount(0);

  await cell(page, "a").locator(".view-lines").click();
  await page.keyboard.press("Escape");
  await expect(cell(page, "a")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(cell(page, "b")).toBeFocused();
  await page.keyboard.press("j");
  await expect(cell(page, "c")).toBeFocused();
  await page.keyboard.press("ArrowDown"); // the last cell: stays
  await expect(cell(page, "c")).toBeFocused();
  await page.keyboard.press("k");
  await expect(cell(page, "b")).toBeFocused();

  await page.keyboard.press("Enter");
  await expect(codeFocused("b")).toHaveCount(1);
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type("  # typed from the keyboard");
  await expect(cell(page, "b").locator(".view-lines")).toContainText("typed from the keyboard");

  // Escape that Monaco needs (closing its suggestions) stays in the code.
  await page.keyboard.press("Control+Space");
  await expect(cell(page, "b").locator(".suggest-widget.visible")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(cell(page, "b").locator(".suggest-widget.visible")).toHaveCount(0);
  await expect(codeFocused("b")).toHaveCount(1);

  await page.keyboard.press("Escape");
  await expect(cell(page, "b")).toBeFocused();
  await page.keyboard.press("Shift+Enter");
  await expect(cell(page, "b").getByTestId("cell-result")).toHaveText("21", { timeout: 30_000 });
});

test("the divider gives the graph more room, by dragging or with the keyboard, and is remembered", async ({
  page,
  api,
}) => {
  const name = uniqueName("split");
  await deployFlow(api, {
    name,
    tasks: [{ name: "a", language: "python", code: "def main():\n    return 1\n" }],
  });
  await signIn(page);
  await openEditor(page, name);
  const graph = page.getByLabel("Flow graph");
  const divider = page.getByRole("separator", { name: "Resize the graph" });
  const before = (await graph.boundingBox())!.width;

  const handle = (await divider.boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x - 200, handle.y + handle.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await graph.boundingBox())!.width).toBeGreaterThan(before + 150);
  const dragged = Number(await divider.getAttribute("aria-valuenow"));

  await divider.focus();
  await page.keyboard.press("ArrowRight");
  await expect(divider).toHaveAttribute("aria-valuenow", String(dragged - 2));
  await page.keyboard.press("End");
  await expect(divider).toHaveAttribute("aria-valuenow", "20");
  await page.keyboard.press("Home");
  await expect(divider).toHaveAttribute("aria-valuenow", "70");

  await page.reload();
  await expect(page.getByRole("separator", { name: "Resize the graph" })).toHaveAttribute(
    "aria-valuenow",
    "70",
  );
});
