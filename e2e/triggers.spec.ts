// Triggers through the public API, the CLI and real agents: a webhook call with a body of the
// wrong type gets 400 naming the field and creates no run, a good one creates a run a real agent
// completes; a completion trigger starts deployment B with a result of A's run.
import { request } from "@playwright/test";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { pipebook } from "./support/cli.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";

test.afterEach(stopAllAgents);

type Runs = { runs: { id: string; state: string }[] };

test("a webhook refuses a body of the wrong type naming the field, and a good one starts a run an agent completes", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const flow = uniqueName("hooked");
  const deployment = await deployFlow(
    api,
    {
      name: flow,
      parameters: {
        type: "object",
        properties: { count: { type: "integer" } },
        required: ["count"],
      },
      tasks: [{ name: "double", language: "shell", code: "echo $((COUNT * 2))" }],
    },
    { workQueue: queue },
  );
  const added = await pipebook(baseURL!, ["trigger", "add", `${flow}/e2e`, "--webhook", "--json"]);
  expect(added.stderr).toBe("");
  const { url, trigger: made } = JSON.parse(added.stdout) as {
    url: string;
    trigger: { id: string; name: string };
  };
  expect(url).toMatch(new RegExp(`^${baseURL}/api/v1/hooks/[A-Za-z0-9_-]{43}$`));

  // The URL is the credential: no API key is sent.
  const outside = await request.newContext();
  const bad = await outside.post(url, { data: { count: "three" } });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
    'parameter "count" must be integer (got string "three")',
  );
  const runs = async () =>
    ((await (await api.get(`/api/v1/flow-runs?deployment=${deployment.id}`)).json()) as Runs).runs;
  expect(await runs()).toEqual([]);

  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const good = await outside.post(url, { data: { count: 21 } });
  expect(good.status(), await good.text()).toBe(201);
  const { runId, runUrl } = (await good.json()) as { runId: string; runUrl: string };
  expect(runUrl).toBe(`${baseURL}/runs/${runId}`);
  const done = await waitForRun(api, runId);
  expect(done.state).toBe("Completed");
  expect(done.taskRuns[0]!.result).toBe(42);
  expect((done as { trigger?: unknown }).trigger).toEqual({
    id: made.id,
    name: "webhook",
    kind: "webhook",
  });
  expect((await runs()).map((r) => r.id)).toEqual([runId]);

  const firings = await pipebook(baseURL!, ["trigger", "firings", made.id]);
  expect(firings.stdout).toContain(runId);
  const listed = await pipebook(baseURL!, ["trigger", "ls", `${flow}/e2e`]);
  expect(listed.stdout).toContain(made.id);
  expect(listed.stdout).toContain(`run ${runId}`);
  const rotated = await pipebook(baseURL!, ["trigger", "rotate", made.id]);
  expect(rotated.stdout).toContain("shown only now");
  expect((await outside.post(url, { data: { count: 1 } })).status()).toBe(404);
  expect((await pipebook(baseURL!, ["trigger", "rm", made.id])).stdout).toContain("Removed");
  await outside.dispose();
});

test("a completion trigger starts B with a result of A's run; a cycle is refused", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  const [a, b] = [uniqueName("extract"), uniqueName("load")];
  const source = await deployFlow(
    api,
    {
      name: a,
      tasks: [{ name: "extract", language: "shell", code: `echo '{"rows": 7, "ok": true}'` }],
    },
    { workQueue: queue },
  );
  const target = await deployFlow(
    api,
    {
      name: b,
      parameters: {
        type: "object",
        properties: { rows: { type: "integer" } },
        required: ["rows"],
      },
      tasks: [{ name: "load", language: "shell", code: "echo $((ROWS + 1))" }],
    },
    { workQueue: queue },
  );
  const added = await pipebook(baseURL!, [
    "trigger",
    "add",
    `${b}/e2e`,
    "--on-completion-of",
    `${a}/e2e`,
    "--map",
    "rows=extract/rows",
  ]);
  expect(added.stderr).toBe("");
  expect(added.stdout).toContain(`when ${a}/e2e ends Completed`);

  const cycle = await api.post(`/api/v1/deployments/${source.id}/triggers`, {
    data: { name: "back", kind: "runCompletion", sourceDeploymentId: target.id },
  });
  expect(cycle.status()).toBe(400);
  expect(await cycle.text()).toContain(`would close a cycle ${b}/e2e → ${a}/e2e → ${b}/e2e`);

  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const first = await trigger(api, source.id);
  expect((await waitForRun(api, first)).state).toBe("Completed");
  const runsOfB = async () =>
    ((await (await api.get(`/api/v1/flow-runs?deployment=${target.id}`)).json()) as Runs).runs;
  await expect.poll(async () => (await runsOfB()).length).toBe(1);
  const started = await waitForRun(api, (await runsOfB())[0]!.id);
  expect(started.state).toBe("Completed");
  expect(started.taskRuns[0]!.result).toBe(8);

  const { triggers } = (await (
    await api.get(`/api/v1/deployments/${target.id}/triggers`)
  ).json()) as { triggers: { id: string; lastFiring: { runId: string } | null }[] };
  const firings = (await (await api.get(`/api/v1/triggers/${triggers[0]!.id}/firings`)).json()) as {
    firings: { sourceRunId: string; runId: string; error: null }[];
  };
  expect(firings.firings).toEqual([
    expect.objectContaining({ sourceRunId: first, runId: started.id, error: null }),
  ]);
});
