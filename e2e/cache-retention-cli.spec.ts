// Caching and retention from the CLI and the API, against each database: `run --refresh-caches`
// runs a cached task again; `retention set|show|run` for the global limits and a deployment's own,
// with bad input refused clearly; non-admins may read but not change them.
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { pipebook } from "./support/cli.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";

test.afterEach(async ({ api }) => {
  await stopAllAgents();
  await api.put("/api/v1/retention", {
    data: { logsDays: null, resultsDays: null, artifactsDays: null },
  });
});

test("run --refresh-caches runs a cached task again; the next run reuses the fresh entry", async ({
  api,
  baseURL,
}) => {
  const flow = uniqueName("cached");
  const queue = uniqueName("q");
  const { id } = await deployFlow(
    api,
    {
      name: flow,
      tasks: [{ name: "t", language: "shell", cache: { key: "inputs" }, code: "echo 42" }],
    },
    { workQueue: queue },
  );
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const first = await trigger(api, id);
  await waitForRun(api, first);

  const out = await pipebook(baseURL!, ["run", `${flow}/e2e`, "--refresh-caches", "--json"]);
  expect(out.code, out.stderr).toBe(0);
  const refreshed = (JSON.parse(out.stdout) as { id: string }).id;
  const view = (await waitForRun(api, refreshed)) as unknown as {
    refreshCaches: boolean;
    taskRuns: { state: string }[];
  };
  expect(view.refreshCaches).toBe(true);
  expect(view.taskRuns[0]!.state).toBe("Completed");

  const next = await waitForRun(api, await trigger(api, id));
  expect(next.taskRuns[0]).toMatchObject({
    state: "Cached",
    cachedFrom: { flowRunId: refreshed, task: "t", item: null },
  });
});

test("retention set, show and run; a deployment's own limits; bad input refused", async ({
  api,
  baseURL,
}) => {
  const flow = uniqueName("kept");
  await deployFlow(api, { name: flow, tasks: [{ name: "t", language: "shell", code: "true" }] });

  const set = await pipebook(baseURL!, [
    "retention",
    "set",
    "--logs-days",
    "30",
    "--results-days",
    "14",
    "--artifacts-days",
    "7",
  ]);
  expect(set.code, set.stderr).toBe(0);
  expect(set.stdout).toMatch(/\(global\)\s+30 d\s+14 d\s+7 d/);

  const own = await pipebook(baseURL!, [
    "retention",
    "set",
    "--deployment",
    `${flow}/e2e`,
    "--results-days",
    "90",
  ]);
  expect(own.code, own.stderr).toBe(0);
  expect(own.stdout).toMatch(new RegExp(`${flow}/e2e\\s+as global\\s+90 d`));

  const bad = await pipebook(baseURL!, ["retention", "set", "--logs-days", "0"]);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('--logs-days "0": give whole days from 1 to 36500');
  const refused = await api.put("/api/v1/retention", { data: { logsDays: -1 } });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error.message).toContain("keep data at least 1 day");

  const ran = await pipebook(baseURL!, ["retention", "run"]);
  expect(ran.code, ran.stderr).toBe(0);
  expect(ran.stdout).toMatch(
    /Last pass: .*deleted \d+ log line\(s\) and \d+ result\(s\); \d+ artifact\(s\)/,
  );
  const show = await pipebook(baseURL!, ["retention", "show", "--json"]);
  const view = JSON.parse(show.stdout) as {
    global: unknown;
    deployments: { flow: string; resultsDays: number | null }[];
    lastPass: { endedAt: string | null } | null;
  };
  expect(view.global).toEqual({ logsDays: 30, resultsDays: 14, artifactsDays: 7 });
  expect(view.deployments).toContainEqual(expect.objectContaining({ flow, resultsDays: 90 }));
  expect(view.lastPass?.endedAt).toBeTruthy();

  // An editor may read the limits, not change them (deleting data is an admin's call).
  const key = await api.post("/api/v1/api-keys", {
    data: { name: uniqueName("k"), role: "editor" },
  });
  const editorKey = ((await key.json()) as { key: string }).key;
  expect((await pipebook(baseURL!, ["retention", "show"], { apiKey: editorKey })).code).toBe(0);
  const denied = await pipebook(baseURL!, ["retention", "set", "--logs-days", "1"], {
    apiKey: editorKey,
  });
  expect(denied.code).not.toBe(0);
  expect(denied.stderr).toContain("this needs the admin role");

  // Back to the global limits: the deployment no longer has its own.
  const back = await pipebook(baseURL!, [
    "retention",
    "set",
    "--deployment",
    `${flow}/e2e`,
    "--results-days",
    "global",
  ]);
  expect(back.code, back.stderr).toBe(0);
  expect(back.stdout).not.toContain(`${flow}/e2e`);
});
