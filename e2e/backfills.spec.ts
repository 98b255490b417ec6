// Backfills through the public API and the CLI, on both databases: the preview before saving,
// clear refusals of bad input, 24 hourly slots run by a real agent with never more than 3 in
// flight (checked from the runs' state history) and each task seeing its slot, and cancel.
import type { APIRequestContext } from "@playwright/test";
import { startAgent, stopAllAgents, type RunView } from "./support/agents.ts";
import { mostInFlight } from "./support/backfills.ts";
import { pipebook } from "./support/cli.ts";
import { deployFlow, expect, test, uniqueName } from "./support/fixtures.ts";

test.afterEach(stopAllAgents);

const FROM = "2026-11-01T00:00:00Z";
const TO = "2026-11-01T23:00:00Z";

type Backfill = {
  id: string;
  state: string;
  total: number;
  ended: number;
  counts: { active: number; notCreated: number; byState: Record<string, number> };
  runs: { id: string; slot: number; scheduledAt: string; state: string }[];
};

/** A deployment of a one-task flow on its own queue, with an hourly schedule. */
async function hourlyDeployment(api: APIRequestContext, code: string) {
  const queue = uniqueName("q");
  const flow = uniqueName("backfill");
  const deployment = await deployFlow(
    api,
    {
      name: flow,
      parameters: { type: "object", properties: { n: { type: "integer", default: 1 } } },
      tasks: [{ name: "a", language: "shell", code }],
    },
    { workQueue: queue },
  );
  const schedule = await api.post(`/api/v1/deployments/${deployment.id}/schedules`, {
    data: { interval: "1h" },
  });
  expect(schedule.status(), await schedule.text()).toBe(201);
  const { id: scheduleId } = (await schedule.json()) as { id: string };
  return { queue, flow, deploymentId: deployment.id, scheduleId };
}

const read = async (api: APIRequestContext, id: string) =>
  (await (await api.get(`/api/v1/backfills/${id}`)).json()) as Backfill;

test("the preview counts the slots and shows the first, saving nothing; bad input is refused", async ({
  api,
}) => {
  const { deploymentId, scheduleId } = await hourlyDeployment(api, "true");
  const other = await hourlyDeployment(api, "true");
  const preview = await api.post("/api/v1/backfills/preview", {
    data: { deploymentId, scheduleId, from: FROM, to: TO, maxInFlight: 3 },
  });
  expect(preview.status(), await preview.text()).toBe(200);
  expect(await preview.json()).toMatchObject({
    total: 24,
    description: "24 slots of every 1h",
    firstSlots: [
      "2026-11-01T00:00:00.000Z",
      "2026-11-01T01:00:00.000Z",
      ...Array(8).fill(expect.any(String)),
    ],
  });
  const cases: [Record<string, unknown>, string][] = [
    [{ scheduleId, from: TO, to: FROM }, `"to" (${FROM}) is before "from" (${TO}): swap them`],
    [{ from: FROM, to: TO }, `"scheduleId" is required`],
    [{ scheduleId, from: FROM, to: "2028-01-01T00:00:00Z" }, "more than the 10,000"],
    [{ scheduleId: other.scheduleId, from: FROM, to: TO }, "is not a schedule of deployment"],
    [{ parameterSets: [{ n: 1 }, { n: "two" }] }, "parameterSets[1]"],
    [{ scheduleId, from: FROM, to: TO, maxInFlight: 0 }, "maxInFlight"],
  ];
  for (const [body, message] of cases) {
    const response = await api.post(`/api/v1/deployments/${deploymentId}/backfills`, {
      data: body,
    });
    expect(response.status(), JSON.stringify(body)).toBe(400);
    expect(JSON.stringify(await response.json())).toContain(JSON.stringify(message).slice(1, -1));
  }
  const listed = await api.get(`/api/v1/backfills?deploymentId=${deploymentId}`);
  expect(await listed.json()).toEqual({ backfills: [] });
});

test("24 hourly slots, at most 3 in flight, run by a real agent, each task seeing its slot", async ({
  api,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const { queue, flow, scheduleId } = await hourlyDeployment(
    api,
    'sleep 0.2; echo "$PIPEBOOK_SCHEDULED_AT"',
  );
  // More agent capacity than the backfill may use: the limit that holds is the backfill's.
  startAgent({ apiUrl: baseURL!, queues: [queue], concurrency: 6 });
  const created = await pipebook(baseURL!, [
    "backfill",
    "create",
    `${flow}/e2e`,
    "--schedule",
    scheduleId,
    "--from",
    FROM,
    "--to",
    TO,
    "--max-in-flight",
    "3",
    "--watch",
  ]);
  expect(created.stderr).toBe("");
  expect(created.code).toBe(0);
  const lines = created.stdout.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^Backfill \S+ of .*: 24 slots from .*, at most 3 in flight$/);
  expect(lines.at(-1)).toBe("Completed: 24/24 ended (Completed 24), 0 in flight, 0 to create");
  const id = lines[0]!.split(" ")[1]!;
  const done = await read(api, id);
  expect(done.state).toBe("Completed");
  expect(done.runs.map((r) => r.slot)).toEqual([...Array(24).keys()]);
  expect(
    await mostInFlight(
      api,
      done.runs.map((r) => r.id),
    ),
  ).toBe(3);
  // Each run's slot is its scheduled time, and its task saw it as PIPEBOOK_SCHEDULED_AT.
  for (const run of [done.runs[0]!, done.runs[23]!]) {
    const detail = (await (await api.get(`/api/v1/flow-runs/${run.id}`)).json()) as RunView;
    expect(detail.taskRuns[0]!.result).toBe(run.scheduledAt);
  }
  expect(done.runs[23]!.scheduledAt).toBe("2026-11-01T23:00:00.000Z");

  const shown = await pipebook(baseURL!, ["backfill", "show", id]);
  expect(shown.stdout).toContain("Completed: 24/24 ended (Completed 24)");
  expect(shown.stdout).toContain("2026-11-01T23:00:00.000Z");
  const listed = await pipebook(baseURL!, ["backfill", "ls", `${flow}/e2e`]);
  expect(listed.stdout).toContain(id);
  expect(listed.stdout).toMatch(/Completed\s+24\/24/);
});

test("cancel: no more runs are created, waiting ones are cancelled, running ones finish", async ({
  api,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const { queue, deploymentId, scheduleId } = await hourlyDeployment(api, "sleep 2; echo done");
  // One agent slot, two in flight: one run runs while the other waits for the agent.
  startAgent({ apiUrl: baseURL!, queues: [queue], concurrency: 1 });
  const response = await api.post(`/api/v1/deployments/${deploymentId}/backfills`, {
    data: { scheduleId, from: FROM, to: TO, maxInFlight: 2 },
  });
  expect(response.status(), await response.text()).toBe(201);
  const { id } = (await response.json()) as { id: string };
  await expect
    .poll(async () => (await read(api, id)).runs.map((r) => r.state).sort())
    .toEqual(["Running", "Scheduled"]);
  const cancelled = await pipebook(baseURL!, ["backfill", "cancel", id]);
  expect(cancelled.stderr).toBe("");
  expect(cancelled.stdout).toContain(
    `Cancelled backfill ${id}: Cancelled: 1/24 ended (Cancelled 1)`,
  );
  await expect
    .poll(async () => (await read(api, id)).counts.byState, { timeout: 20_000 })
    .toMatchObject({ Completed: 1, Cancelled: 1 });
  const after = await read(api, id);
  expect(after).toMatchObject({ state: "Cancelled", counts: { active: 0, notCreated: 22 } });
  const again = await api.post(`/api/v1/backfills/${id}/cancel`);
  expect(again.status()).toBe(200);
});
