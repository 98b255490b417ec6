// Storage blocks and large results in Chromium against a real server and a real agent: a 50 MB
// result opens in the run page's viewer at once (its first 64 KB as text, the rest a download)
// and a 5 MB one as a tree, with no long freeze of the page; an S3 storage (an s3rver started
// here) is created in the browser — and refused, in the storage's words, with a wrong key; a
// flow's storage is chosen in the flow editor and with the CLI, and its deployments follow it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { pipebook } from "./support/cli.ts";
import { openEditor, signIn } from "./support/studio.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

const large = (name: string) => ({
  name,
  tasks: [
    {
      name: "huge",
      language: "python",
      // 500,000 rows of 100 characters: 51 MB of JSON.
      code: 'def main():\n    return [{"i": i, "text": "z" * 88} for i in range(500_000)]',
    },
    {
      name: "five",
      language: "python",
      code: 'def main():\n    return {"rows": ["%06d" % i + "x" * 94 for i in range(50_000)]}',
    },
  ],
});

test("a large result opens in the run page's viewer without freezing the page", async ({
  page,
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const deployment = await deployFlow(api, large(uniqueName("large")), { workQueue: queue });
  const runId = await trigger(api, deployment.id);
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const run = await waitForRun(api, runId, { timeoutMs: 60_000 });
  expect(run.state).toBe("Completed");

  // Main-thread tasks longer than 50 ms, as Chromium reports them.
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
    }).observe({ type: "longtask", buffered: true });
  });
  await signIn(page);
  const opened = Date.now();
  await page.goto(`/runs/${runId}?task=huge`);
  const panel = page.getByTestId("task-panel");
  const head = panel.getByTestId("result-head");
  await expect(head).toContainText('[{"i":0,"text":"zzzz');
  const shownMs = Date.now() - opened;
  await expect(panel.getByTestId("task-result")).toContainText("MB of JSON, in storage");
  const download = panel.getByTestId("task-result").getByRole("link", { name: "Download" });
  await expect(download).toHaveAttribute(
    "href",
    `/api/v1/flow-runs/${runId}/tasks/huge/result?download=1`,
  );
  const longest = await page.evaluate(() =>
    Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks),
  );
  // The observer does see a long task (so the figure above can fail): a deliberate 150 ms one.
  await page.evaluate(() => {
    setTimeout(() => {
      const end = performance.now() + 150;
      while (performance.now() < end);
    }, 0);
  });
  await expect
    .poll(() =>
      page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks)),
    )
    .toBeGreaterThanOrEqual(150);
  console.log(
    `viewer: 50 MB result's panel shown in ${shownMs} ms; longest main-thread task ${longest.toFixed(0)} ms`,
  );
  const whole = await page.request.get(`/api/v1/flow-runs/${runId}/tasks/huge/result`);
  expect(Number(whole.headers()["content-length"])).toBeGreaterThan(50_000_000);

  // The 5 MB one opens as a tree, cut, with its size.
  await page.goto(`/runs/${runId}?task=five`);
  await expect(panel.getByTestId("task-result")).toContainText("more items");
  await expect(panel.getByTestId("task-result")).toContainText("MB of JSON");
  expect(longest).toBeLessThan(1_000);
});

test("an S3 storage is created and removed in the browser; a wrong key is refused in words", async ({
  page,
}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-e2e-s3-"));
  const s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: "e2e-results", configs: [] }],
  });
  const { port } = await s3.run();
  try {
    const name = uniqueName("s3");
    await signIn(page);
    await page.goto("/storage");
    await expect(page.locator('tr[data-storage="local"]')).toContainText(
      "the server's data folder",
    );

    const fill = async (key: string) => {
      await page.getByRole("button", { name: "New S3 storage" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("textbox", { name: "Name" }).fill(name);
      await dialog.getByRole("textbox", { name: "Endpoint" }).fill(`http://127.0.0.1:${port}`);
      await dialog.getByRole("textbox", { name: "Bucket" }).fill("e2e-results");
      await dialog.getByLabel("Path-style addressing").check();
      await dialog.getByRole("textbox", { name: "Access key id" }).fill(key);
      await dialog.getByLabel("Secret access key").fill("S3RVER");
      await dialog.getByRole("button", { name: "Create storage" }).click();
      return dialog;
    };
    const refused = await fill("WRONG-KEY");
    await expect(refused.getByRole("alert")).toContainText(
      `storage "${name}" (http://127.0.0.1:${port}) failed`,
    );
    await expect(refused.getByRole("alert")).toContainText("credentials were refused");
    await refused.getByRole("button", { name: "Cancel" }).click();

    await fill("S3RVER");
    const row = page.locator(`tr[data-storage="${name}"]`);
    await expect(row).toContainText(`http://127.0.0.1:${port} · e2e-results/`);
    await expect(row).toContainText(
      `STORAGE_${name.toUpperCase().replace(/-/g, "_")}_ACCESS_KEY_ID`,
    );
    await expect(page.locator("main")).not.toContainText("S3RVER");

    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: `Remove storage ${name}` }).click();
    await expect(row).toHaveCount(0);
  } finally {
    await s3.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a flow's storage is chosen in the studio's flow editor and with the CLI; its deployments follow it", async ({
  page,
  api,
  baseURL,
}) => {
  const storage = uniqueName("s3");
  const created = await api.post("/api/v1/storages", {
    data: {
      name: storage,
      kind: "s3",
      endpoint: "http://127.0.0.1:9",
      bucket: "e2e-results",
      forcePathStyle: true,
      accessKeyId: "id",
      secretAccessKey: "never-shown",
      verify: false,
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const flow = uniqueName("stored");
  const deployment = await deployFlow(api, large(flow));
  expect(deployment).toMatchObject({ storage: "local", storageSource: "default" });

  // In the studio: the editor's Storage dialog.
  await signIn(page);
  await openEditor(page, flow);
  await page.getByRole("button", { name: "Storage", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Storage of ${flow}` });
  await expect(dialog.getByTestId("flow-storage-deployments")).toContainText("the default");
  await dialog.getByLabel("Storage of large results").selectOption(storage);
  await dialog.getByRole("button", { name: "Save storage" }).click();
  await expect(dialog).toBeHidden();
  const read = await api.get(`/api/v1/flows/${flow}/storage`);
  expect(await read.json()).toMatchObject({
    storage,
    deployments: [{ name: deployment.name, storage, source: "flow" }],
  });
  await page.getByRole("button", { name: "Storage", exact: true }).click();
  await expect(dialog.getByLabel("Storage of large results")).toHaveValue(storage);
  await expect(dialog.getByTestId("flow-storage-deployments")).toContainText("follows the flow");

  // With the CLI: show, a typo named, clear, set again.
  const shown = await pipebook(baseURL!, ["flow", "storage", flow]);
  expect(shown.stdout).toContain(`Flow ${flow}: storage ${storage}`);
  expect(shown.stdout).toMatch(new RegExp(`${deployment.name}\\s+${storage}\\s+follows the flow`));
  const typo = await pipebook(baseURL!, ["flow", "storage", flow, storage.slice(0, -1)]);
  expect(typo.code).not.toBe(0);
  expect(typo.stderr).toContain(`(did you mean "${storage}"?)`);
  const cleared = await pipebook(baseURL!, ["flow", "storage", flow, "--clear"]);
  expect(cleared.stdout).toContain(`Flow ${flow}: storage local (none chosen: the default)`);
  await pipebook(baseURL!, ["flow", "storage", flow, storage]);
  // Removing the storage is refused while the flow uses it.
  const rm = await pipebook(baseURL!, ["storage", "rm", storage]);
  expect(rm.stderr).toContain(`is in use by flow ${flow}`);
  const again = await api.get(`/api/v1/deployments/${deployment.id}`);
  expect(await again.json()).toMatchObject({ storage, storageSource: "flow" });
});
