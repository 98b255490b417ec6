// Fix and replay, with a real server, real agents and the real CLI: a run fails, the failing
// cell is fixed in a new version, and the replay runs only what is needed — the expensive
// upstream task's result is reused (Cached "from run …"), never computed twice.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { APIRequestContext } from "@playwright/test";
import { allLogs, startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { E2E_API_KEY } from "./support/constants.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";

const execFileAsync = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../bin/pipebook.mjs");
const MARKER = "EXPENSIVE-TASK-RAN";

test.afterEach(async () => {
  await stopAllAgents();
});

/** expensive → middle → final; `final` fails until it is fixed. */
const pipeline = (name: string, fixed: boolean) => ({
  name,
  tasks: [
    {
      name: "expensive",
      language: "python",
      code: `def main():\n    print("${MARKER}")\n    return 21\n`,
    },
    {
      name: "middle",
      language: "typescript",
      dependsOn: ["expensive"],
      code: "export default function main({ expensive }: { expensive: number }) {\n  return expensive * 2;\n}\n",
    },
    {
      name: "final",
      language: "python",
      dependsOn: ["middle"],
      code: fixed
        ? "def main(middle):\n    return middle + 1\n"
        : 'def main(middle):\n    raise ValueError("final is broken")\n',
    },
  ],
});

type Replay = {
  id: string;
  state: string;
  replayOf: { id: string; kind: string; task: string | null };
  flowVersion: number;
  rerun: string[];
  reused: { task: string; fromRun: string }[];
};

/** A deployed pipeline whose first run failed in `final`, with an agent serving its queue. */
async function failedPipeline(api: APIRequestContext, baseURL: string) {
  const name = uniqueName("replay");
  const queue = uniqueName("q");
  const deployment = await deployFlow(api, pipeline(name, false), { workQueue: queue });
  startAgent({ apiUrl: baseURL, queues: [queue] });
  const first = await waitForRun(api, await trigger(api, deployment.id));
  expect(first.state).toBe("Failed");
  expect(first.taskRuns.map((t) => [t.name, t.state])).toEqual([
    ["expensive", "Completed"],
    ["middle", "Completed"],
    ["final", "Failed"],
  ]);
  // The fix, saved as the flow's latest version (as the editor's Save does).
  const saved = await api.post("/api/v1/flows", { data: pipeline(name, true) });
  expect(saved.status()).toBe(201);
  expect(((await saved.json()) as { version: number }).version).toBe(2);
  return { name, queue, deploymentId: deployment.id, firstId: first.id };
}

async function markerLines(api: APIRequestContext, runIds: string[]) {
  let count = 0;
  for (const id of runIds) {
    count += (await allLogs(api, id)).filter((l) => l.message === MARKER).length;
  }
  return count;
}

test("retry from failure on the fixed latest version completes without running the expensive task again; run from here re-runs a middle task and its downstream only", async ({
  api,
  baseURL,
}) => {
  const { firstId } = await failedPipeline(api, baseURL!);

  const preview = await api.get(
    `/api/v1/flow-runs/${firstId}/replay-plan?kind=fromFailure&version=latest`,
  );
  expect(preview.status(), await preview.text()).toBe(200);
  expect(await preview.json()).toMatchObject({
    flowVersion: 2,
    sourceFlowVersion: 1,
    rerun: ["final"],
    reused: [
      { task: "expensive", fromRun: firstId },
      { task: "middle", fromRun: firstId },
    ],
  });

  const posted = await api.post(`/api/v1/flow-runs/${firstId}/retry-from-failure`, {
    data: { version: "latest" },
  });
  expect(posted.status(), await posted.text()).toBe(201);
  const replay = (await posted.json()) as Replay;
  expect(replay).toMatchObject({
    replayOf: { id: firstId, kind: "fromFailure", task: null },
    flowVersion: 2,
    rerun: ["final"],
  });
  const second = await waitForRun(api, replay.id);
  expect(second.state).toBe("Completed");
  const view = (await (await api.get(`/api/v1/flow-runs/${replay.id}`)).json()) as {
    flow: { version: number };
    replayOf: unknown;
    taskRuns: { name: string; state: string; result: unknown; resultFrom: string | null }[];
  };
  expect(view.flow.version).toBe(2);
  expect(view.replayOf).toEqual({ id: firstId, kind: "fromFailure", task: null });
  expect(view.taskRuns.map((t) => [t.name, t.state, t.result, t.resultFrom])).toEqual([
    ["expensive", "Cached", 21, firstId],
    ["middle", "Cached", 42, firstId],
    ["final", "Completed", 43, null],
  ]);
  expect(await markerLines(api, [firstId, replay.id])).toBe(1);
  const parent = (await (await api.get(`/api/v1/flow-runs/${firstId}`)).json()) as {
    replays: { id: string; kind: string; state: string }[];
  };
  expect(parent.replays).toEqual([
    expect.objectContaining({ id: replay.id, kind: "fromFailure", state: "Completed" }),
  ]);

  // Run from here on the middle task of the replay: middle and final run, expensive is reused
  // from the run that produced it (the first), not from the replay in between.
  const fromMiddle = await api.post(`/api/v1/flow-runs/${replay.id}/run-from-task`, {
    data: { task: "middle" },
  });
  expect(fromMiddle.status(), await fromMiddle.text()).toBe(201);
  const third = (await fromMiddle.json()) as Replay;
  expect(third).toMatchObject({
    rerun: ["middle", "final"],
    reused: [{ task: "expensive", fromRun: firstId }],
  });
  const thirdRun = await waitForRun(api, third.id);
  expect(thirdRun.state).toBe("Completed");
  expect(thirdRun.taskRuns.map((t) => [t.name, t.state, t.attempts, t.result])).toEqual([
    ["expensive", "Cached", 0, 21],
    ["middle", "Completed", 1, 42],
    ["final", "Completed", 1, 43],
  ]);
  const thirdLogs = await allLogs(api, third.id);
  expect(thirdLogs.filter((l) => l.task === "expensive")).toEqual([]);
  expect(await markerLines(api, [firstId, replay.id, third.id])).toBe(1);
});

test("refusals: unknown task, nothing failed, unknown run, a run that has not ended", async ({
  api,
  baseURL,
}) => {
  const { firstId, deploymentId } = await failedPipeline(api, baseURL!);
  const typo = await api.post(`/api/v1/flow-runs/${firstId}/run-from-task`, {
    data: { task: "midle", version: "latest" },
  });
  expect(typo.status()).toBe(400);
  expect((await typo.json()).error.message).toContain(
    'has no task "midle" (did you mean "middle"?)',
  );

  const retry = (await (
    await api.post(`/api/v1/flow-runs/${firstId}/retry`, { data: { version: "latest" } })
  ).json()) as Replay;
  expect(retry.rerun).toEqual(["expensive", "middle", "final"]);
  expect((await waitForRun(api, retry.id)).state).toBe("Completed");
  const nothing = await api.post(`/api/v1/flow-runs/${retry.id}/retry-from-failure`);
  expect(nothing.status()).toBe(400);
  expect((await nothing.json()).error.message).toContain("use Retry to run the whole flow again");

  const unknown = await api.post(
    "/api/v1/flow-runs/00000000-0000-4000-8000-000000000000/retry-from-failure",
  );
  expect(unknown.status()).toBe(404);

  // Queued on a queue no agent serves: it stays Scheduled.
  const waiting = await trigger(api, (await redeployElsewhere(api, deploymentId)).id);
  const early = await api.post(`/api/v1/flow-runs/${waiting}/retry`);
  expect(early.status()).toBe(409);
  expect((await early.json()).error.message).toBe(
    `flow run ${waiting} is Scheduled: cancel it or wait for it to end, then replay it`,
  );
  const badKind = await api.get(`/api/v1/flow-runs/${firstId}/replay-plan?kind=fromHere`);
  expect(badKind.status()).toBe(400);
});

async function redeployElsewhere(api: APIRequestContext, deploymentId: string) {
  const deployment = (await (await api.get(`/api/v1/deployments/${deploymentId}`)).json()) as {
    flow: string;
  };
  const response = await api.post("/api/v1/deployments", {
    data: { flow: deployment.flow, name: "idle", workQueue: uniqueName("idle") },
  });
  expect(response.status()).toBe(201);
  return (await response.json()) as { id: string };
}

test("pipebook retry RUN --from-failure --latest --watch follows the replay and exits 0", async ({
  api,
  baseURL,
}) => {
  const { firstId } = await failedPipeline(api, baseURL!);
  const cli = (args: string[]) =>
    execFileAsync(process.execPath, [bin, ...args], {
      env: { ...process.env, PIPEBOOK_API_URL: baseURL, PIPEBOOK_API_KEY: E2E_API_KEY },
    });
  const short = firstId.slice(0, 8);
  const plan = `re-runs: final; reuses: expensive (from run ${short}), middle (from run ${short})`;

  const dry = await cli(["retry", firstId, "--from-failure", "--latest", "--dry-run"]);
  expect(dry.stdout).toContain(`Retry from failure of run ${firstId} on v2 (the run used v1)`);
  expect(dry.stdout).toContain(plan);
  expect(dry.stdout).toMatch(/final\s+Failed in run/);
  expect(dry.stdout).toContain("Nothing was created (--dry-run).");

  const watched = await cli(["retry", firstId, "--from-failure", "--latest", "--watch"]);
  expect(watched.stdout).toContain(plan);
  const id = /Created flow run (\S+) \(Scheduled\)/.exec(watched.stdout)?.[1];
  expect(id).toBeTruthy();
  // It exited 0 (execFile rejects otherwise): the watched run Completed. The reused tasks show
  // as Cached with their source; the expensive task printed nothing this time.
  expect(watched.stdout).toContain(`expensive Cached: result reused from run ${firstId}`);
  expect(watched.stdout).not.toContain(MARKER);
  expect((await waitForRun(api, id!)).state).toBe("Completed");
  expect(await markerLines(api, [firstId, id!])).toBe(1);

  // On the run's own version the cell is still broken: the replay fails, and so does the command.
  const again = await cli(["retry", firstId, "--from-failure", "--watch"]).catch(
    (error: { code: number; stdout: string }) => error,
  );
  expect(again).toMatchObject({ code: 1 });
  expect((again as { stdout: string }).stdout).toContain(
    `Retry from failure of run ${firstId} on v1`,
  );

  const usage = await cli(["retry", firstId, "--from-failure", "--from-task", "final"]).catch(
    (error: { code: number; stderr: string }) => error,
  );
  expect(usage).toMatchObject({ code: 2 });
  expect((usage as { stderr: string }).stderr).toContain("exclude each other");
});
