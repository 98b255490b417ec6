// A run's task context through the real claim and report paths: the run token its claim carries
// opens the declared secrets and variables of that run's tasks — each task only its own — and
// stops working when the run ends or its lease lapses; every report of the run is stored masked.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ClaimedRun } from "../../contract/agent-protocol.ts";
import { clearForms, databaseText } from "../../test/support/database-text.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { testAgent } from "../../test/support/simulated-agent.ts";
import { applyReport } from "../runs/apply-report.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { readLogWindow } from "../runs/logs/read-logs.ts";
import { getTaskResult } from "../runs/run-page/get-task-detail.ts";
import { getSecretKey } from "../secrets/secret-key.ts";
import { setSecret } from "../secrets/set-secret.ts";
import { setVariable } from "../variables/set-variable.ts";
import { getTaskContext } from "./get-task-context.ts";

const test = freshDatabase();
const LEASE_MS = 15_000;
const at = () => new Date().toISOString();
const hex = () => crypto.randomBytes(4).toString("hex").toUpperCase();
const value = () => `sv-${crypto.randomBytes(12).toString("base64url")}`;

/** Two secrets, a variable, and a claimed run of a flow whose tasks declare some of each. */
async function claimedRun() {
  const names = { a: `A_${hex()}`, b: `B_${hex()}`, region: `REGION_${hex()}` };
  const values = { a: value(), b: value() };
  await setSecret(test.db, getSecretKey(), { name: names.a, value: values.a });
  await setSecret(test.db, getSecretKey(), { name: names.b, value: values.b });
  await setVariable(test.db, { name: names.region, value: { name: "eu" } });
  const queue = uniqueName("q");
  const { deploymentId } = await seedDeployment(
    test.db,
    {
      name: uniqueName("ctx"),
      tasks: [
        {
          name: "fetch",
          language: "python",
          code: "def main():\n    return 1\n",
          secrets: [names.a],
          variables: [names.region],
        },
        {
          name: "notify",
          language: "shell",
          code: "true",
          dependsOn: ["fetch"],
          secrets: [names.b],
        },
        { name: "plain", language: "shell", code: "true" },
      ],
    },
    queue,
  );
  const agent = await testAgent(test.db, queue);
  const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: LEASE_MS });
  const run = await agent.claim();
  expect(run.flowRunId).toBe(id);
  return { run, names, values };
}

const context = (run: ClaimedRun, task: string, token = run.runToken ?? null) =>
  getTaskContext(test.db, getSecretKey(), { token, task });

const sent = new Map<string, number>();
const send = (run: ClaimedRun, body: Partial<Parameters<typeof applyReport>[2]>) => {
  const seq = (sent.get(run.flowRunId) ?? 0) + 1;
  sent.set(run.flowRunId, seq);
  return applyReport(
    test.db,
    run.flowRunId,
    { leaseId: run.leaseId, seq, events: [], logs: [], ...body },
    { leaseMs: LEASE_MS },
  );
};

describe("a run's task context", () => {
  it("gives each task the secrets and variables it declares, and nothing else", async () => {
    const { run, names, values } = await claimedRun();
    expect(run.runToken).toMatch(/^pbr_/);
    expect(await context(run, "fetch")).toEqual({
      secrets: { [names.a]: values.a },
      variables: { [names.region]: { name: "eu" } },
    });
    // notify declares only b: a is not its to read, even within the same run.
    expect(await context(run, "notify")).toEqual({
      secrets: { [names.b]: values.b },
      variables: {},
    });
    expect(await context(run, "plain")).toEqual({ secrets: {}, variables: {} });
    await expect(context(run, "nope")).rejects.toMatchObject({
      code: "not_found",
      message: `flow run ${run.flowRunId} has no task "nope"`,
    });
  });

  it("opens with the run's token only: not an API key, not another claim's token", async () => {
    const { run } = await claimedRun();
    for (const token of [null, "", "pb_someApiKey", `pbr_${run.flowRunId}.forged`]) {
      await expect(context(run, "fetch", token)).rejects.toMatchObject({ code: "unauthorized" });
    }
    const other = await claimedRun();
    // Another run's token names that run: it never opens this one's tasks.
    const swapped = other.run.runToken!.replace(other.run.flowRunId, run.flowRunId);
    await expect(context(run, "fetch", swapped)).rejects.toMatchObject({
      code: "unauthorized",
      message:
        "the run token is not valid: it belongs to an earlier claim of the run, or it was mistyped",
    });
  });

  it("stops working when the run ends", async () => {
    const { run } = await claimedRun();
    await context(run, "fetch");
    await send(run, {
      events: [
        { type: "flow", state: "Running", at: at() },
        { type: "task", task: "fetch", state: "Running", attempt: 1, at: at() },
        { type: "task", task: "fetch", state: "Failed", attempt: 1, at: at() },
        { type: "task", task: "notify", state: "NotRun", attempt: 1, at: at() },
        { type: "task", task: "plain", state: "Running", attempt: 1, at: at() },
        { type: "task", task: "plain", state: "Completed", attempt: 1, at: at() },
        { type: "flow", state: "Failed", at: at(), message: "stopped" },
      ],
    });
    await expect(context(run, "fetch")).rejects.toMatchObject({
      code: "unauthorized",
      message: `the run token has expired: flow run ${run.flowRunId} is Failed`,
    });
  });

  it("stops working when the run's lease lapses", async () => {
    const { run } = await claimedRun();
    await test.db.flowRun.update({
      where: { id: run.flowRunId },
      data: { leaseExpiresAt: new Date(Date.now() - 1000) },
    });
    await expect(context(run, "fetch")).rejects.toMatchObject({
      code: "unauthorized",
      message: `the run token has expired: flow run ${run.flowRunId} is Pending and its lease lapsed`,
    });
  });

  it("names a declared secret that was deleted after deploying", async () => {
    const { run, names } = await claimedRun();
    await test.db.secret.delete({ where: { name: names.a } });
    await expect(context(run, "fetch")).rejects.toMatchObject({
      code: "not_found",
      message: expect.stringContaining(`task "fetch" of flow`),
    });
    await expect(context(run, "fetch")).rejects.toThrow(
      `declares secret "${names.a}", which does not exist: set it in the studio (Secrets & variables) or with \`pipebook secret set ${names.a}\``,
    );
  });
});

describe("reports of a run that declared secrets", () => {
  it("are stored with every value masked: log lines, results, errors, messages", async () => {
    const { run, values } = await claimedRun();
    await send(run, {
      events: [
        { type: "flow", state: "Running", at: at() },
        { type: "task", task: "fetch", state: "Running", attempt: 1, at: at() },
        {
          type: "log",
          task: "fetch",
          attempt: 1,
          level: "info",
          message: `v1 line ${values.a}`,
          at: at(),
        },
        {
          type: "task",
          task: "fetch",
          state: "Completed",
          attempt: 1,
          at: at(),
          result: { token: values.a, nested: [`x${values.b}x`] },
        },
        { type: "task", task: "notify", state: "Running", attempt: 1, at: at() },
        {
          type: "task",
          task: "notify",
          state: "Failed",
          attempt: 1,
          at: at(),
          error: { type: "Error", message: `bad ${values.b}`, traceback: `at line 1\n${values.b}` },
        },
        { type: "task", task: "plain", state: "Running", attempt: 1, at: at() },
        { type: "task", task: "plain", state: "Completed", attempt: 1, at: at() },
        { type: "flow", state: "Failed", at: at(), message: `failed: ${values.a}` },
      ],
      logs: [
        {
          task: "fetch",
          attempt: 1,
          level: "info",
          at: Date.now(),
          offsets: [0, 1, 2],
          lines: ["plain", `token=${values.a}`, `both ${values.a} ${values.b}`],
        },
      ],
    });
    const window = await readLogWindow(test.db, run.flowRunId, { from: 1, to: 100 });
    expect(window.lines.map((l) => l.message)).toEqual([
      "v1 line ***",
      "plain",
      "token=***",
      "both *** ***",
    ]);
    expect((await getTaskResult(test.db, run.flowRunId, "fetch"))?.value).toEqual({
      token: "***",
      nested: ["x***x"],
    });
    const stored = await databaseText(test.db);
    for (const form of [...clearForms(values.a), ...clearForms(values.b)]) {
      expect(stored).not.toContain(form);
    }
  });

  it("mask a secret's old and new value when it changes while the run goes on", async () => {
    const { run, names, values } = await claimedRun();
    await send(run, {
      logs: [
        {
          task: "fetch",
          attempt: 1,
          level: "info",
          at: Date.now(),
          offsets: [0],
          lines: [`old ${values.a}`],
        },
      ],
    });
    const changed = value();
    await setSecret(test.db, getSecretKey(), { name: names.a, value: changed });
    await send(run, {
      logs: [
        {
          task: "fetch",
          attempt: 1,
          level: "info",
          at: Date.now(),
          offsets: [0, 1],
          lines: [`old again ${values.a}`, `new ${changed}`],
        },
      ],
    });
    const window = await readLogWindow(test.db, run.flowRunId, { from: 1, to: 100 });
    expect(window.lines.map((l) => l.message)).toEqual(["old ***", "old again ***", "new ***"]);
  });
});
