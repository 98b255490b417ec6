// Schedules through the public API and the CLI: the next times of a cron schedule with a time
// zone, computed before anything is saved, clear refusals of bad schedules, and a schedule
// whose runs a real agent executes on their slots; a deployment file that `pipebook deploy` applies.
import fs from "node:fs";
import path from "node:path";
import { startAgent, stopAllAgents, type RunView } from "./support/agents.ts";
import { pipebook } from "./support/cli.ts";
import { deployFlow, expect, flowYaml, test, uniqueName } from "./support/fixtures.ts";

test.afterEach(stopAllAgents);

test("POST /api/v1/schedules/preview gives the next times of a cron schedule in its time zone", async ({
  api,
}) => {
  const response = await api.post("/api/v1/schedules/preview", {
    data: {
      schedule: { cron: "30 2 * * *", timezone: "Europe/Paris" },
      after: "2026-03-27T12:00:00Z",
      count: 3,
    },
  });
  expect(response.status(), await response.text()).toBe(200);
  expect(await response.json()).toEqual({
    // 29 March: 02:30 does not exist in Paris (clocks go forward), so it fires at 03:30.
    times: ["2026-03-28T01:30:00.000Z", "2026-03-29T01:30:00.000Z", "2026-03-30T00:30:00.000Z"],
    local: ["2026-03-28T02:30:00+01:00", "2026-03-29T03:30:00+02:00", "2026-03-30T02:30:00+02:00"],
    timezone: "Europe/Paris",
    description: "cron 30 2 * * * (Europe/Paris)",
  });
  const interval = await api.post("/api/v1/schedules/preview", {
    data: { schedule: { interval: "15m" } },
  });
  const { times } = (await interval.json()) as { times: string[] };
  expect(times).toHaveLength(10);
  expect(Date.parse(times[1]!) - Date.parse(times[0]!)).toBe(15 * 60_000);
});

test("bad schedules are refused with what is wrong and how to fix it", async ({ api }) => {
  const cases: [unknown, string][] = [
    [{ cron: "0 9 * *" }, 'schedule.cron: "0 9 * *" has 4 fields: write 5'],
    [{ cron: "0 9 * * *", timezone: "Europe/Pariss" }, '"Europe/Pariss" is not an IANA time zone'],
    [{ interval: "fortnightly" }, 'write a number and a unit, e.g. "30s"'],
    [{ cron: "0 9 * * *", rrule: "FREQ=DAILY" }, 'give only one of "cron", "interval" or "rrule"'],
    [{ rrule: "FREQ=MINUTELY" }, "use a cron or an interval schedule"],
  ];
  for (const [schedule, message] of cases) {
    const response = await api.post("/api/v1/schedules/preview", { data: { schedule } });
    expect(response.status(), JSON.stringify(schedule)).toBe(400);
    expect(JSON.stringify(await response.json())).toContain(JSON.stringify(message).slice(1, -1));
  }
});

test("pipebook schedule preview prints the next times, local and UTC", async ({ baseURL }) => {
  const ok = await pipebook(baseURL!, [
    "schedule",
    "preview",
    "--cron",
    "0 9 * * 1-5",
    "--timezone",
    "America/New_York",
    "--after",
    "2026-11-27T15:00:00Z",
    "--count",
    "2",
  ]);
  expect(ok.stderr).toBe("");
  expect(ok.stdout.trimEnd().split("\n")).toEqual([
    "cron 0 9 * * 1-5 (America/New_York): the next 2 times",
    "  2026-11-30T09:00:00-05:00   2026-11-30T14:00:00.000Z",
    "  2026-12-01T09:00:00-05:00   2026-12-01T14:00:00.000Z",
  ]);
  const bad = await pipebook(baseURL!, ["schedule", "preview", "--interval", "5 minutes"]);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain('write a number and a unit, e.g. "30s"');
});

test("a deployment on a 2-second schedule runs on its slots through a real agent; paused, it stops", async ({
  api,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const queue = uniqueName("q");
  const flow = uniqueName("every2s");
  const deployment = await deployFlow(
    api,
    {
      name: flow,
      parameters: {
        type: "object",
        properties: { region: { type: "string" } },
        required: ["region"],
      },
      tasks: [
        { name: "a", language: "shell", code: 'echo "$PIPEBOOK_SCHEDULED_AT"' },
        { name: "b", language: "python", code: "def main(scheduled_at):\n    return scheduled_at" },
      ],
    },
    { workQueue: queue },
  );
  const added = await pipebook(baseURL!, [
    "schedule",
    "add",
    `${flow}/e2e`,
    "--interval",
    "2s",
    "--param",
    "region=eu",
    "--json",
  ]);
  expect(added.stderr).toBe("");
  const schedule = JSON.parse(added.stdout) as {
    id: string;
    description: string;
    nextRunAt: string;
  };
  expect(schedule.description).toBe("every 2s");
  startAgent({ apiUrl: baseURL!, queues: [queue] });

  type Page = { runs: { id: string; state: string; scheduledAt: string; parameters?: unknown }[] };
  const runs = async () =>
    (
      (await (
        await api.get(`/api/v1/flow-runs?deployment=${deployment.id}&limit=100`)
      ).json()) as Page
    ).runs;
  await expect
    .poll(async () => (await runs()).filter((r) => r.state === "Completed").length, {
      timeout: 30_000,
    })
    .toBeGreaterThanOrEqual(2);
  const done = (await runs()).filter((r) => r.state === "Completed");
  for (const run of done) expect(Date.parse(run.scheduledAt) % 2000).toBe(0);
  // Each task knows its run's slot: in its environment and as its input scheduled_at.
  const detail = (await (await api.get(`/api/v1/flow-runs/${done[0]!.id}`)).json()) as RunView;
  expect(detail.taskRuns.map((t) => t.result)).toEqual([
    done[0]!.scheduledAt,
    done[0]!.scheduledAt,
  ]);
  expect(new Set(done.map((r) => r.scheduledAt)).size).toBe(done.length);

  const listed = await pipebook(baseURL!, ["schedule", "ls", `${flow}/e2e`]);
  expect(listed.stdout).toContain(schedule.id);
  expect(listed.stdout).toContain('{"region":"eu"}');

  const paused = await pipebook(baseURL!, ["schedule", "pause", schedule.id]);
  expect(paused.stdout).toContain(`Paused schedule ${schedule.id}: every 2s (paused)`);
  // Paused: nothing waits any more, and no run is created for the next slots.
  await expect
    .poll(async () => (await runs()).filter((r) => r.state === "Scheduled").length)
    .toBe(0);
  const count = (await runs()).length;
  await new Promise((resolve) => setTimeout(resolve, 4000)); // two slots' worth, to see none come
  expect((await runs()).length).toBe(count);
  expect((await pipebook(baseURL!, ["schedule", "rm", schedule.id])).stdout).toContain("Removed");
});

test("a deployment file in git: pipebook deploy makes the deployment and its schedules match it", async ({
  api,
  baseURL,
}, testInfo) => {
  const dir = testInfo.outputPath("repo");
  fs.mkdirSync(dir, { recursive: true });
  const flow = uniqueName("filed");
  fs.writeFileSync(path.join(dir, "flow.yaml"), flowYaml(flow));
  const write = (schedules: string, overlap = "skip") =>
    fs.writeFileSync(
      path.join(dir, "deployment.yaml"),
      `flow: ./flow.yaml
name: nightly
workQueue: ${uniqueName("q")}
overlap: ${overlap}
catchup: all
catchupMax: 3
schedules:
${schedules}`,
    );
  const file = path.join(dir, "deployment.yaml");
  const deploy = () => pipebook(baseURL!, ["deploy", file, "--json"]);
  type Deployment = { id: string; overlap: string; catchup: string; catchupMax: number };
  type Listed = { schedules: { id: string; description: string; active: boolean }[] };
  const listed = async (id: string) =>
    ((await (await api.get(`/api/v1/deployments/${id}/schedules`)).json()) as Listed).schedules;

  write(`  - cron: "0 6 * * 1-5"
    timezone: Europe/Paris
  - interval: 1h
`);
  const first = await deploy();
  expect(first.stderr).toBe("");
  const deployment = JSON.parse(first.stdout) as Deployment;
  expect(deployment).toMatchObject({ overlap: "skip", catchup: "all", catchupMax: 3 });
  const before = await listed(deployment.id);
  expect(before.map((s) => s.description)).toEqual(["cron 0 6 * * 1-5 (Europe/Paris)", "every 1h"]);

  // Deploying the same file again changes nothing; a changed file is followed exactly.
  expect((await deploy()).code).toBe(0);
  expect((await listed(deployment.id)).map((s) => s.id)).toEqual(before.map((s) => s.id));
  write(
    `  - interval: 1h
    active: false
  - rrule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"
`,
    "bufferOne",
  );
  const again = JSON.parse((await deploy()).stdout) as Deployment;
  expect(again).toMatchObject({ id: deployment.id, overlap: "bufferOne" });
  const after = await listed(deployment.id);
  expect(after.map((s) => [s.description, s.active])).toEqual([
    ["every 1h", false],
    [expect.stringContaining("FREQ=WEEKLY"), true],
  ]);
  expect(after[0]!.id).toBe(before[1]!.id);

  // A bad file is refused with the file, line and field, and nothing changes.
  write(`  - cron: "0 6 * * *"
    every: 5m
`);
  const bad = await deploy();
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain(`${file}:9:5: schedules[0]: unknown field "every"`);
  write(`  - cron: "0 25 * * *"
`);
  const badCron = await deploy();
  expect(badCron.stderr).toContain("schedules[0]: schedule.cron");
  expect((await listed(deployment.id)).map((s) => s.id)).toEqual(after.map((s) => s.id));
});
