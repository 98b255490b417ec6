// Work queues and agents, through the API, the CLI and the studio: what agents take next and in
// what order, pausing and resuming, agents going online and offline, and the warnings when no
// agent would take a deployment's runs. Each test uses work queues of its own.
// The studio's side: queues-agents-studio.spec.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startAgent, stopAllAgents, waitForRun, type RunView } from "./support/agents.ts";
import { pipebook } from "./support/cli.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { byStart, quickFlow, readPreview, type Preview } from "./support/queues.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

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
