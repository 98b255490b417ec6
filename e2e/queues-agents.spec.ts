// Work queues and agents, through the API, the CLI and the studio: what agents take next and in
// what order, pausing and resuming, agents going online and offline, and the warnings when no
// agent would take a deployment's runs. Each test uses work queues of its own.
// Tests tagged @api run in the api-* projects, @studio ones in the studio project.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { startAgent, stopAllAgents, waitForRun, type RunView } from "./support/agents.ts";
import { pipebook } from "./support/cli.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { openEditor, signIn } from "./support/studio.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

const quickFlow = (name: string, code = "echo done") => ({
  name,
  tasks: [{ name: "work", language: "shell", code }],
});

type Preview = {
  workQueue: { name: string; paused: boolean; waiting: { total: number; due: number } };
  runs: { id: string; position: number; state: string; due: boolean; warning: string | null }[];
  warnings: string[];
};

async function readPreview(api: APIRequestContext, queue: string, limit = 20): Promise<Preview> {
  const response = await api.get(`/api/v1/work-queues/${queue}/preview?limit=${limit}`);
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Preview;
}

/** Run ids in the order their runs started (an agent with room for one claims one at a time). */
const byStart = (runs: RunView[]) =>
  [...runs].sort((a, b) => a.startedAt!.localeCompare(b.startedAt!)).map((r) => r.id);

test.describe("API and CLI", { tag: "@api" }, () => {
  test("deploying says why no agent would take the runs, in the API answer and the CLI output", async ({
    api,
    baseURL,
  }) => {
    const queue = uniqueName("gpu-jobs");
    const name = uniqueName("warn");
    const flow = quickFlow(name);
    const answer = await deployFlow(api, flow, {
      name: "nightly",
      workQueue: queue,
      tags: ["gpu"],
    });
    expect((answer as unknown as { warnings: string[] }).warnings).toEqual([
      `no online agent serves work queue "${queue}" with tags gpu: runs wait until one does (start one with node pipebook-agent.mjs start --queue ${queue} --tags gpu)`,
    ]);

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-q-")), "flow.json");
    fs.writeFileSync(file, JSON.stringify(flow));
    const agent = startAgent({ apiUrl: baseURL!, queues: [queue] });
    await agent.waitFor(/connected to/);
    const tagged = await pipebook(baseURL!, [
      "deploy",
      file,
      "--queue",
      queue,
      "--tag",
      "gpu",
      "--name",
      "nightly",
    ]);
    expect(tagged.code, tagged.stderr).toBe(0);
    expect(tagged.stdout).toContain(`Deployed ${name}/nightly`);
    expect(tagged.stderr).toBe(
      `Warning: no online agent serves work queue "${queue}" with tags gpu (1 serves the queue without that tag): start one with node pipebook-agent.mjs start --queue ${queue} --tags gpu\n`,
    );

    expect((await pipebook(baseURL!, ["work-queue", "pause", queue])).code).toBe(0);
    const paused = await pipebook(baseURL!, [
      "deploy",
      file,
      "--queue",
      queue,
      "--name",
      "nightly",
    ]);
    expect(paused.stderr).toBe(
      `Warning: work queue "${queue}" is paused: its runs wait until it is resumed (pipebook work-queue resume ${queue})\n`,
    );

    expect((await pipebook(baseURL!, ["work-queue", "resume", queue])).code).toBe(0);
    const served = await pipebook(baseURL!, [
      "deploy",
      file,
      "--queue",
      queue,
      "--name",
      "nightly",
      "--json",
    ]);
    expect(served).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(served.stdout)).toMatchObject({ workQueue: queue, tags: [], warnings: [] });
  });

  test("work-queue ls, preview, pause and resume, and agent ls print what the API says; the agent claims in the previewed order", async ({
    api,
    baseURL,
  }) => {
    const queue = uniqueName("q");
    const plain = await deployFlow(api, quickFlow(uniqueName("plain")), { workQueue: queue });
    const gpu = await deployFlow(api, quickFlow(uniqueName("gpu")), {
      workQueue: queue,
      tags: ["gpu"],
    });
    const ids = [
      await trigger(api, plain.id),
      await trigger(api, gpu.id),
      await trigger(api, plain.id),
    ];

    const listed = (
      (await (await api.get("/api/v1/work-queues")).json()) as {
        workQueues: { name: string }[];
      }
    ).workQueues.find((q) => q.name === queue);
    expect(listed).toMatchObject({
      paused: false,
      waiting: { total: 3, due: 3, late: 0 },
      running: 0,
      agents: [],
    });
    const lsJson = await pipebook(baseURL!, ["work-queue", "ls", "--json"]);
    expect(
      (JSON.parse(lsJson.stdout) as { workQueues: { name: string }[] }).workQueues.find(
        (q) => q.name === queue,
      ),
    ).toEqual(listed);
    const ls = await pipebook(baseURL!, ["work-queue", "ls"]);
    expect(ls.stdout).toMatch(
      /^NAME +PRIORITY +LIMIT +STATE +WAITING +DUE +LATE +RUNNING +AGENTS$/m,
    );
    expect(ls.stdout).toMatch(
      new RegExp(`^${queue} +100 +- +active +3 +3 +0 +0 +none online$`, "m"),
    );

    const preview = await readPreview(api, queue);
    expect(preview.runs.map((r) => [r.id, r.position, r.due])).toEqual(
      ids.map((id, i) => [id, i + 1, true]),
    );
    expect(preview.runs[1]!.warning).toBe("no online agent serves this queue");
    const printed = await pipebook(baseURL!, ["work-queue", "preview", queue]);
    expect(printed.code).toBe(0);
    const lines = printed.stdout.split("\n");
    expect(lines[1]).toMatch(/^# +STATE +SCHEDULED +FLOW +DEPLOYMENT +TAGS +RUN +NOTE$/);
    expect(lines.slice(2, 5).map((line) => ids.find((id) => line.includes(id)))).toEqual(ids);
    expect(lines[3]).toMatch(
      new RegExp(`^2 +Scheduled +.* +e2e +gpu +${ids[1]} +no online agent serves this queue$`),
    );
    expect(printed.stderr).toContain(`Warning: no online agent serves work queue "${queue}"`);
    const short = await pipebook(baseURL!, [
      "work-queue",
      "preview",
      queue,
      "--limit",
      "2",
      "--json",
    ]);
    expect((JSON.parse(short.stdout) as Preview).runs.map((r) => r.id)).toEqual(ids.slice(0, 2));

    const pause = await pipebook(baseURL!, ["work-queue", "pause", queue]);
    expect(pause).toMatchObject({
      code: 0,
      stdout: `Paused work queue "${queue}": agents claim none of its runs (3 waiting) until it is resumed; the 0 running go on\n`,
    });
    expect((await pipebook(baseURL!, ["work-queue", "pause", queue])).code).toBe(0);
    expect(
      ((await (await api.get(`/api/v1/work-queues/${queue}`)).json()) as Preview["workQueue"])
        .paused,
    ).toBe(true);

    // An agent on the paused queue claims nothing.
    const agentName = uniqueName("agent");
    const agent = startAgent({
      apiUrl: baseURL!,
      queues: [queue],
      tags: ["gpu"],
      concurrency: 1,
      extraArgs: ["--name", agentName],
    });
    await agent.waitFor(/connected to/);
    type Agent = { id: string; name: string; lastSeenAt: string };
    const agents = (await (await api.get("/api/v1/agents")).json()) as { agents: Agent[] };
    const mine = agents.agents.find((a) => a.name === agentName)!;
    expect(mine).toMatchObject({
      state: "online",
      queues: [queue],
      tags: ["gpu"],
      concurrency: 1,
      stoppedAt: null,
      runs: [],
    });
    const agentJson = await pipebook(baseURL!, ["agent", "ls", "--json"]);
    const { lastSeenAt: _seen, ...stable } = mine;
    expect(
      (JSON.parse(agentJson.stdout) as { agents: Agent[] }).agents.find((a) => a.id === mine.id),
    ).toMatchObject(stable);
    const agentLs = await pipebook(baseURL!, ["agent", "ls"]);
    expect(agentLs.stdout).toMatch(
      /^ID +NAME +STATE +LAST SEEN +QUEUES +TAGS +HOST +VERSION +RUNS$/m,
    );
    expect(agentLs.stdout).toMatch(
      new RegExp(
        `^${mine.id.slice(0, 8)} +${agentName} +online +(now|\\d+ s ago) +${queue} +gpu +\\S+ +\\S+ +0/1$`,
        "m",
      ),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    for (const id of ids) {
      expect(((await (await api.get(`/api/v1/flow-runs/${id}`)).json()) as RunView).state).toBe(
        "Paused",
      );
    }

    const resume = await pipebook(baseURL!, ["work-queue", "resume", queue]);
    expect(resume.stdout).toBe(
      `Resumed work queue "${queue}": agents claim its runs again (3 due now)\n`,
    );
    const runs = await Promise.all(ids.map((id) => waitForRun(api, id)));
    expect(runs.map((r) => r.state)).toEqual(["Completed", "Completed", "Completed"]);
    expect(byStart(runs)).toEqual(preview.runs.map((r) => r.id));
    expect((await readPreview(api, queue)).runs).toEqual([]);

    const missing = await pipebook(baseURL!, ["work-queue", "preview", "no-such-queue"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('work queue "no-such-queue" was not found');
  });
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
