// Per-flow dependencies in the studio, in Chromium against a real server and a real agent: the
// Dependencies dialog refuses a malformed requirement naming it, a declared npm package stops
// being a "cannot find module" error in its cell, the save keeps both lists, and a run installs
// the package and uses it.
import { startAgent, stopAllAgents } from "./support/agents.ts";
import { deploy, deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { cell, openEditor, signIn } from "./support/studio.ts";

test.beforeAll(async ({ baseURL }) => {
  const agent = startAgent({ apiUrl: baseURL!, queues: ["default"] });
  await agent.waitFor(/connected|registered/i);
});

test.afterAll(async () => {
  await stopAllAgents();
});

test("dependencies are edited in the studio, checked, saved, and installed by the agent", async ({
  page,
  api,
}) => {
  test.setTimeout(120_000);
  const name = uniqueName("deps");
  await deployFlow(api, {
    name,
    tasks: [
      {
        name: "check",
        language: "typescript",
        code: 'import isNumber from "is-number";\n\nexport default function main() {\n  return isNumber(5);\n}\n',
      },
    ],
  });
  await signIn(page);
  await openEditor(page, name);
  // Not declared yet: the TypeScript checker cannot find the module.
  const squiggles = cell(page, "check").locator(".squiggly-error");
  await expect(squiggles).not.toHaveCount(0, { timeout: 15_000 });

  await page.getByRole("button", { name: "Dependencies" }).click();
  const dialog = page.getByRole("dialog", { name: "Dependencies" });
  const requirements = dialog.getByLabel("Python requirements (one per line)");
  await requirements.fill("pandas=2.2");
  await dialog.getByLabel("npm packages (name@version per line)").fill("is-number@7.0.0");
  await dialog.getByRole("button", { name: "Apply" }).click();
  await expect(dialog.getByRole("alert")).toContainText(
    'python.requirements[0] "pandas=2.2" is not a requirement pip understands',
  );
  await requirements.fill("six==1.16.0");
  await dialog.getByRole("button", { name: "Apply" }).click();
  await expect(dialog).toBeHidden();
  await expect(squiggles).toHaveCount(0, { timeout: 15_000 });

  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("version")).toHaveText("v2");
  const read = await api.get(`/api/v1/flows/${name}/versions/latest`);
  expect(await read.json()).toMatchObject({
    version: 2,
    flowFile: {
      python: { requirements: ["six==1.16.0"] },
      typescript: { packages: { "is-number": "7.0.0" } },
    },
  });

  const deployment = await deploy(api, name);
  const run = await trigger(api, deployment.id);
  const ended = await api.get(`/api/v1/flow-runs/${run}/wait?timeoutSeconds=60`, {
    timeout: 70_000,
  });
  expect(await ended.json()).toMatchObject({
    state: "Completed",
    taskRuns: [{ name: "check", state: "Completed", result: true }],
  });

  // The versions the agent resolved are shown with the saved version.
  await page.getByRole("button", { name: "Dependencies" }).click();
  await expect(dialog.getByRole("list", { name: "Locked versions" })).toHaveText(
    "typescript: is-number@7.0.0",
  );
});
