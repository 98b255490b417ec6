// The flow editor in Chromium against a real server and a real agent: build a flow from nothing,
// wire it by dragging, save, deploy, run, and run single cells (drafts, history, the keyboard and
// the divider: editor-ergonomics.spec.ts).
import { startAgent, stopAllAgents, type AgentProcess } from "./support/agents.ts";
import { deployFlow, expect, test, uniqueName } from "./support/fixtures.ts";
import { cell, deployAndRun, dragEdge, openEditor, setCode, signIn } from "./support/studio.ts";

let agent: AgentProcess;

test.beforeAll(async ({ baseURL }) => {
  agent = startAgent({ apiUrl: baseURL!, queues: ["default"] });
  await agent.waitFor(/connected|registered/i);
});

test.afterAll(async () => {
  await stopAllAgents();
});

const PYTHON = `def main():
    print("extracted 'rows' with  two spaces")
    return {"rows": [1, 2, 3]}
`;
const TYPESCRIPT = `export default function main({ extract }: { extract: { rows: number[] } }) {
  const total = extract.rows.reduce((a, b) => a + b, 0);
  console.log(\`total is "\${total}"\`);
  return total;
}
`;
const SHELL = `echo "report got $TRANSFORM and it's done"
`;

test("from an empty flow: three cells, two dragged edges, save, deploy, run to Completed", async ({
  page,
}) => {
  const name = uniqueName("built");
  await signIn(page);
  await page.getByRole("button", { name: "New flow" }).click();
  await page.getByLabel("Flow name").fill(name);
  await page.getByRole("button", { name: "Create flow" }).click();
  await expect(page).toHaveURL(new RegExp(`/flows/${name}$`));

  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Add task" }).click();
  const names = page.getByLabel("Task name");
  await expect(names).toHaveCount(3);
  await names.nth(0).fill("extract");
  await names.nth(1).fill("transform");
  await names.nth(2).fill("report");
  await page.getByLabel("Language").nth(1).selectOption("typescript");
  await page.getByLabel("Language").nth(2).selectOption("shell");
  await setCode(page, "extract", PYTHON);
  await setCode(page, "transform", TYPESCRIPT);
  await setCode(page, "report", SHELL);

  await dragEdge(page, "extract", "transform");
  await expect(page.locator(".react-flow__edge")).toHaveCount(1);
  await dragEdge(page, "transform", "report");
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await expect(cell(page, "transform").getByTestId("depends-on")).toHaveText("after extract");
  await expect(cell(page, "report").getByTestId("depends-on")).toHaveText("after transform");

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("Saved as version 2");

  await deployAndRun(page);
  await expect(page.getByTestId("run-state").locator("[data-state]")).toHaveText("Completed", {
    timeout: 30_000,
  });
  for (const task of ["extract", "transform", "report"]) {
    await expect(page.locator(`[data-testid="run-graph"] [data-task="${task}"]`)).toHaveAttribute(
      "data-state",
      "Completed",
    );
  }
  await page.getByRole("tab", { name: "logs" }).click();
  const logs = page.getByTestId("log-lines");
  await expect(logs).toContainText("extracted 'rows' with  two spaces");
  await expect(logs).toContainText('total is "6"');
  await expect(logs).toContainText("report got 6 and it's done");

  // A reload of the editor shows the same flow.
  await openEditor(page, name);
  await expect(page.getByLabel("Task name")).toHaveCount(3);
  await expect(page.getByTestId("version")).toHaveText("v2");
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await expect(cell(page, "transform").locator(".view-lines")).toContainText("extract.rows.reduce");
  await expect(cell(page, "report").getByTestId("depends-on")).toHaveText("after transform");
});

test("a cycle drawn by dragging is refused, naming it; a TypeScript syntax error shows on its cell", async ({
  page,
  api,
}) => {
  const name = uniqueName("cycle");
  await deployFlow(api, {
    name,
    tasks: [
      { name: "a", language: "python", code: "def main():\n    return 1\n" },
      { name: "b", language: "typescript", dependsOn: ["a"], code: "export default () => 2;\n" },
      { name: "c", language: "shell", dependsOn: ["b"], code: "echo 3\n" },
    ],
  });
  await signIn(page);
  await openEditor(page, name);
  await dragEdge(page, "c", "a");
  await expect(page.getByRole("alert").filter({ hasText: "Refused" })).toHaveText(
    "Refused: connecting c → a would close the cycle c → a → b → c",
  );
  await expect(page.locator(".react-flow__edge")).toHaveCount(2);
  await expect(page.getByTestId("save-status")).toHaveText("Saved");

  await setCode(page, "b", "export default function main() {\n  return (1 +;\n}\n");
  await page.getByRole("button", { name: "Save" }).click();
  const problems = cell(page, "b").getByRole("alert", { name: "Problems in b" });
  await expect(problems).toContainText("line 2");
  await expect(page.getByTestId("version")).toHaveText("v1");

  // A language chosen the moment typing stops keeps what was typed.
  await cell(page, "c").locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+End");
  // Typed and switched within one batch (300 ms): the switch must take the typed code in.
  const language = cell(page, "c").getByLabel("Language");
  await language.waitFor();
  await page.keyboard.type("echo typed just now");
  await language.selectOption("python");
  await expect(cell(page, "c").locator(".monaco-editor")).toHaveAttribute("data-uri", /\.py$/);
  await expect(cell(page, "c").locator(".view-lines")).toContainText("echo typed just now");
});

test("a Python and a shell syntax error are refused at save, each shown on its cell and line", async ({
  page,
  api,
}) => {
  const name = uniqueName("syntax");
  await deployFlow(api, {
    name,
    tasks: [
      { name: "load", language: "python", code: "def main():\n    return 1\n" },
      { name: "notify", language: "shell", dependsOn: ["load"], code: "echo done\n" },
    ],
  });
  await signIn(page);
  await openEditor(page, name);
  await setCode(page, "load", "def main():\n    rows = [1, 2\n    return rows\n");
  await setCode(page, "notify", "echo start\nfi\n");
  await page.getByRole("button", { name: "Save" }).click();

  const python = cell(page, "load").getByRole("alert", { name: "Problems in load" });
  await expect(python).toContainText(
    "task \"load\": Python syntax error at line 2, column 12 of its code: '[' was never closed",
  );
  await expect(python).toContainText("(line 2)");
  const shell = cell(page, "notify").getByRole("alert", { name: "Problems in notify" });
  await expect(shell).toContainText(
    'task "notify": shell syntax error at line 2 of its code: syntax error near unexpected token `fi\'',
  );
  // Underlined in the editor, on the line at fault.
  await expect(cell(page, "load").locator(".squiggly-error")).toHaveCount(1);
  await expect(cell(page, "notify").locator(".squiggly-error")).toHaveCount(1);
  await expect(page.getByTestId("version")).toHaveText("v1");

  await setCode(page, "load", "def main():\n    rows = [1, 2]\n    return rows\n");
  await setCode(page, "notify", "echo start\n");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("save-status")).toHaveText("Saved as version 2");
  await expect(page.getByRole("alert", { name: /Problems in/ })).toHaveCount(0);
});

test("the run form refuses a parameter of the wrong type, naming it", async ({ page, api }) => {
  const name = uniqueName("params");
  await deployFlow(api, {
    name,
    parameters: {
      type: "object",
      properties: { n: { type: "integer", default: 2 }, label: { type: "string" } },
    },
    tasks: [{ name: "a", language: "python", code: "def main(n):\n    return n\n" }],
  });
  await signIn(page);
  await openEditor(page, name);
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("n", { exact: true }).fill("abc");
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(dialog.getByRole("alert")).toHaveText(
    'parameter "n" must be integer (got string "abc")',
  );
  await expect(page).toHaveURL(new RegExp(`/flows/${name}$`));
  // Corrected, the run starts.
  await dialog.getByLabel("n", { exact: true }).fill("5");
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]+$/);
  const runId = page.url().split("/").pop()!;
  const run = await (await api.get(`/api/v1/flow-runs/${runId}`)).json();
  expect(run.parameters).toEqual({ n: 5 });
});

test("Run cell runs one task with its upstream results and shows its result", async ({ page }) => {
  const name = uniqueName("cells");
  await signIn(page);
  await page.getByRole("button", { name: "New flow" }).click();
  await page.getByLabel("Flow name").fill(name);
  await page.getByRole("button", { name: "Create flow" }).click();
  await expect(page).toHaveURL(new RegExp(`/flows/${name}$`));
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByRole("button", { name: "Add task" }).click();
  await page.getByLabel("Task name").nth(0).fill("extract");
  await page.getByLabel("Task name").nth(1).fill("double");
  await page.getByLabel("Language").nth(1).selectOption("typescript");
  await setCode(page, "extract", 'def main():\n    print("extracting")\n    return 21\n');
  await setCode(
    page,
    "double",
    'export default function main({ extract }: { extract: number }) {\n  console.log("doubling", extract);\n  return extract * 2;\n}\n',
  );
  await dragEdge(page, "extract", "double");

  // No earlier run: the upstream task runs first.
  await cell(page, "double").getByRole("button", { name: "Run cell" }).click();
  const output = cell(page, "double").getByTestId("cell-output");
  await expect(output.getByTestId("cell-result")).toHaveText("42", { timeout: 30_000 });
  await expect(output).toContainText("ran extract (Completed) first");
  await expect(output).toContainText("doubling 21");

  // Again, with Shift+Enter in the editor: now extract's result is reused.
  await cell(page, "double").locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Shift+Enter");
  await expect(output).toContainText("using the results of extract from an earlier run", {
    timeout: 30_000,
  });
  await expect(output.getByTestId("cell-result")).toHaveText("42");
});

test("a cell run that ends while the cell's first read is on its way still shows its end", async ({
  page,
  api,
}) => {
  const name = uniqueName("late-read");
  await deployFlow(api, {
    name,
    tasks: [
      {
        name: "a",
        language: "python",
        code: 'import time\n\ndef main():\n    print("hello")\n    time.sleep(1)\n    return 20\n',
      },
    ],
  });
  await signIn(page);
  await openEditor(page, name);
  // The order a busy server or browser can produce (CI did): the cell's first read (the run and
  // its log tail, one batch) is answered while the task still runs, but reaches the page only
  // after the live subscription told of the run's end. The cell must still read the end.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  let toldEnd!: () => void;
  const endTold = new Promise<void>((resolve) => (toldEnd = resolve));
  cdp.on("Network.eventSourceMessageReceived", ({ data }) => {
    try {
      if ((JSON.parse(data) as { header?: { endedAt?: string } }).header?.endedAt) toldEnd();
    } catch {
      // pings and the connection message are not changes
    }
  });
  let held = false;
  await page.route(
    (url) => decodeURIComponent(url.pathname).includes("runs.get"),
    async (route) => {
      if (held) return route.continue();
      held = true;
      const response = await route.fetch();
      await endTold;
      await route.fulfill({ response });
    },
  );
  await cell(page, "a").getByRole("button", { name: "Run cell" }).click();
  const output = cell(page, "a").getByTestId("cell-output");
  await expect(output.getByTestId("cell-result")).toHaveText("20", { timeout: 30_000 });
  await expect(output).toContainText("hello");
  expect(held).toBe(true);
});
