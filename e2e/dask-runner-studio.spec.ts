// The Deploy dialog's dask runner: choosing it offers the scheduler's address, a wrong address
// is refused with what is expected, and the deployment is saved with runner dask and that
// address (what its runs' claims carry to the agent; the runs themselves on a real cluster:
// test/dask/dask-runner.int.test.ts).
import { expect, test, uniqueName } from "./support/fixtures.ts";
import { quickFlow } from "./support/queues.ts";
import { openEditor, signIn } from "./support/studio.ts";

test.describe("studio", { tag: "@studio" }, () => {
  test("the Deploy dialog deploys with the dask runner and a scheduler address", async ({
    page,
    api,
  }) => {
    const name = uniqueName("dask");
    const imported = await api.post("/api/v1/flows", { data: quickFlow(name) });
    expect(imported.status()).toBe(201);

    await signIn(page);
    await openEditor(page, name);
    await page.getByRole("button", { name: "Deploy" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByLabel("Dask scheduler")).toHaveCount(0);
    await dialog.getByLabel("Runner").selectOption("dask");
    await dialog.getByLabel("Dask scheduler").fill("scheduler:8786");
    await dialog.getByRole("button", { name: "Deploy" }).click();
    await expect(dialog.getByRole("alert")).toContainText(
      "is not a Dask scheduler address: expected protocol://host:port",
    );
    await dialog.getByLabel("Dask scheduler").fill("tcp://10.0.0.5:8786");
    await dialog.getByRole("button", { name: "Deploy" }).click();
    await expect(dialog.getByRole("status")).toContainText(`Deployed ${name}/default`);

    const listed = await api.get(`/api/v1/deployments?flow=${name}`);
    const { deployments } = (await listed.json()) as {
      deployments: { runner: string; daskScheduler: string | null }[];
    };
    expect(deployments).toEqual([
      expect.objectContaining({ runner: "dask", daskScheduler: "tcp://10.0.0.5:8786" }),
    ]);
  });
});
