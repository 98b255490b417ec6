// Work queues and agents in the studio: a queue's preview in the order an agent then claims, Pause
// and Resume, the Add agent command run as given, agents going Online and Offline, and the Deploy
// dialog's warnings. Each test uses work queues of its own (the API and CLI: queues-agents.spec.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startAgent, stopAllAgents, waitForRun, type RunView } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { byStart, quickFlow } from "./support/queues.ts";
import { openEditor, signIn } from "./support/studio.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

test.describe("studio", { tag: "@studio" }, () => {
  test("the queue page previews waiting runs in the order an agent then claims them; Pause and Resume stop and restart claiming", async ({
    page,
    api,
    baseURL,
  }) => {
    const queue = uniqueName("q");
    const deployments = {
      plain: await deployFlow(api, quickFlow(uniqueName("plain")), { workQueue: queue }),
      gpu: await deployFlow(api, quickFlow(uniqueName("gpu")), {
        workQueue: queue,
        tags: ["gpu"],
      }),
      tpu: await deployFlow(api, quickFlow(uniqueName("tpu")), {
        workQueue: queue,
        tags: ["tpu"],
      }),
    };
    const order = ["plain", "gpu", "tpu", "plain", "gpu"] as const;
    const ids: string[] = [];
    for (const kind of order) ids.push(await trigger(api, deployments[kind].id));
    const tpuRun = ids[2]!;

    await signIn(page);
    await page.getByRole("link", { name: "Work queues" }).click();
    const row = page.locator(`tr[data-queue="${queue}"]`);
    await expect(row.getByTestId("waiting")).toContainText("5");
    await row.getByRole("button", { name: "Preview" }).click();
    const list = page.getByRole("list", { name: `Claim order of ${queue}` });
    await expect(list.locator("li")).toHaveCount(5);
    const shown = await list
      .locator("li")
      .evaluateAll((items) => items.map((li) => li.getAttribute("data-run")!));
    expect(shown).toEqual(ids);
    await expect(list.getByTestId("no-agent")).toHaveText(
      Array(5).fill("no online agent serves this queue"),
    );

    // Paused from the page: an agent that comes claims nothing.
    await row.getByRole("button", { name: "Pause" }).click();
    await expect(row.getByTestId("paused-badge")).toHaveText("Paused");
    await expect(list.locator("[data-state]")).toHaveText(Array(5).fill("Paused"));
    const agent = startAgent({ apiUrl: baseURL!, queues: [queue], tags: ["gpu"], concurrency: 1 });
    await agent.waitFor(/connected to/);
    await expect(list.getByTestId("no-agent")).toHaveText([
      "no online agent of this queue carries tag tpu",
    ]);
    await expect(list.locator(`li[data-run="${tpuRun}"]`).getByTestId("no-agent")).toBeVisible();
    await page.waitForTimeout(2_000);
    const waiting = await Promise.all(
      ids.map(
        async (id) => ((await (await api.get(`/api/v1/flow-runs/${id}`)).json()) as RunView).state,
      ),
    );
    expect(waiting).toEqual(Array(5).fill("Paused"));

    // Resumed from the page: the agent takes what it can, in the order the preview showed.
    await row.getByRole("button", { name: "Resume" }).click();
    await expect(row.getByTestId("paused-badge")).toHaveCount(0);
    const claimable = shown.filter((id) => id !== tpuRun);
    const runs = await Promise.all(claimable.map((id) => waitForRun(api, id)));
    expect(runs.map((r) => r.state)).toEqual(Array(4).fill("Completed"));
    expect(byStart(runs)).toEqual(claimable);
    await expect(list.locator("li")).toHaveCount(1);
    await expect(list.locator("li")).toHaveAttribute("data-run", tpuRun);
  });

  test("Add agent gives a command that starts an agent; the agents page shows it Online with its run, then Offline once killed", async ({
    page,
    api,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const queue = uniqueName("q");
    const flow = uniqueName("slow");
    const slow = await deployFlow(api, quickFlow(flow, "sleep 60"), { workQueue: queue });

    await signIn(page);
    await page.getByRole("link", { name: "Agents" }).click();
    await page.getByRole("button", { name: "Add agent" }).click();
    const dialog = page.getByRole("dialog", { name: "Add an agent" });
    await expect(dialog.getByRole("checkbox", { name: queue })).toBeVisible();
    for (const box of await dialog.getByRole("checkbox").all()) await box.uncheck();
    await dialog.getByRole("checkbox", { name: queue }).check();
    await dialog.getByLabel("Tags it carries").fill("gpu, big");
    // No key yet: the line says so, and the dialog offers to make one for the chosen queue.
    await expect(dialog.getByTestId("agent-command")).toHaveCount(0);
    await dialog.getByRole("button", { name: `Create an agent key for ${queue}` }).click();
    const line = dialog.getByTestId("agent-command");
    await expect(line).toContainText("PIPEBOOK_API_KEY=pb_");
    const command = (await line.textContent())!;
    expect(command).toMatch(
      new RegExp(
        `^curl -fsSLO ${baseURL}/agent/pipebook-agent\\.mjs && PIPEBOOK_API_KEY=pb_[\\w-]+ node pipebook-agent\\.mjs start --api-url ${baseURL} --queue ${queue} --tags gpu,big$`,
      ),
    );
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await dialog.getByRole("button", { name: "Copy" }).click();
    await expect(dialog.getByRole("button", { name: "Copied" })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(command);
    await dialog.getByRole("button", { name: "Close" }).click();

    // The line exactly as a VM runs it: the agent key it made serves this queue and no other.
    const vm = spawn("bash", ["-c", copied], {
      cwd: fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-vm-")),
      detached: true,
      stdio: "ignore",
    });
    const kill = () => {
      try {
        process.kill(-vm.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    try {
      const row = page.locator("tr[data-agent]", { hasText: queue });
      await expect(row.getByTestId("agent-state")).toHaveText("Online", { timeout: 20_000 });
      await expect(row).toContainText("gpu, big");
      await expect(row).toContainText(os.hostname());
      await expect(row).toContainText(/(now|\d+ s ago)/);

      const runId = await trigger(api, slow.id);
      await waitForRun(api, runId, { states: ["Running"] });
      const held = row.getByRole("link", { name: `${flow}/e2e` });
      await expect(held).toHaveAttribute("href", `/runs/${runId}`);
      await expect(row).toContainText("1 of 4");

      kill();
      await expect(row.getByTestId("agent-state")).toHaveText("Offline", { timeout: 30_000 });
      await expect(row).toContainText("0 of 4");
      await expect(held).toHaveCount(0);
    } finally {
      kill();
    }
  });

  test("the Deploy dialog says why no agent would take the runs, and offers Run", async ({
    page,
    api,
  }) => {
    const name = uniqueName("deploy");
    const imported = await api.post("/api/v1/flows", { data: quickFlow(name) });
    expect(imported.status()).toBe(201);
    const queue = uniqueName("gpu-jobs");

    await signIn(page);
    await openEditor(page, name);
    await page.getByRole("button", { name: "Deploy" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Work queue").fill(queue);
    await dialog.getByLabel("Tags").fill("gpu");
    await dialog.getByRole("button", { name: "Deploy" }).click();
    await expect(dialog.getByRole("status")).toHaveText(
      `Deployed ${name}/default (v1) on queue ${queue} with tags gpu.`,
    );
    await expect(dialog.getByTestId("deploy-warnings")).toContainText(
      `no online agent serves work queue "${queue}" with tags gpu`,
    );
    await dialog.getByRole("button", { name: "Run it" }).click();
    const run = page.getByRole("dialog", { name: `Run ${name}` });
    await expect(run.getByRole("button", { name: "Start run" })).toBeVisible();
    await run.getByRole("button", { name: "Close" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);

    // Deploying again updates it, and Close leaves the editor as it was.
    await page.getByRole("button", { name: "Deploy" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Update deployment" }).click();
    await expect(page.getByRole("dialog").getByRole("status")).toContainText("Updated");
    await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Save" })).toBeEnabled();
  });
});
