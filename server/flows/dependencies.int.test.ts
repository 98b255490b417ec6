// Per-flow dependencies end to end, on PGlite and PostgreSQL, with real agent processes (the
// bundle a VM downloads): a TypeScript task installs an npm package from the registry, a Python
// task a requirement from a wheel folder given with --pip-find-links (no Python index is
// reachable here: the test builds the wheel), the second run reuses the environment and installs
// from the recorded lock, two agents sharing an environment folder build a set once, and a bad
// requirement fails its task naming the package.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { liveServer, startLiveAgent } from "../../test/support/live-agent.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { buildTinyWheel } from "../../test/support/tiny-wheel.ts";
import { readLogWindow } from "../runs/logs/read-logs.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { waitForFlowRun } from "../runs/wait-for-run.ts";

const test = freshDatabase();
const server = liveServer(test);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-deps-test-"));
const wheels = path.join(root, "wheels");
const envDir = path.join(root, "envs");

const BUILD = "[deps] building environment";
const CLI = path.resolve(import.meta.dirname, "../../bin/pipebook.mjs");

function agentOn(queue: string, extra: string[] = []) {
  return startLiveAgent(server, {
    queue,
    // Offline like a private network: pip looks only in the wheel folder.
    env: { PIP_NO_INDEX: "1" },
    args: ["--env-dir", envDir, "--pip-find-links", wheels, ...extra],
  });
}

beforeAll(() => {
  buildTinyWheel(wheels, "pbtinydep", "0.1.0", "VALUE = 42\n");
  buildTinyWheel(wheels, "pbpairdep", "1.0.0", "def double(x):\n    return 2 * x\n");
  agentOn("deps");
});

async function runOnce(deploymentId: string) {
  const started = Date.now();
  const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
  const view = await waitForFlowRun(test.db, id, {
    timeoutMs: 120_000,
    lateAfterMs: 180_000,
    leaseMs: 15_000,
  });
  const { lines } = await readLogWindow(test.db, id, { from: 1, to: 2000 });
  return { view, ms: Date.now() - started, logs: lines.map((l) => l.message) };
}

const builds = (logs: string[]) => logs.filter((l) => l.startsWith(BUILD)).length;

async function locksOf(flow: string) {
  const version = await test.db.flowVersion.findFirstOrThrow({
    where: { flow: { name: flow } },
    orderBy: { version: "desc" },
    select: { locks: { select: { lock: true } } },
  });
  return version.locks.map((l) => l.lock as Record<string, unknown>);
}

describe("per-flow dependencies with real agents", () => {
  it("installs a declared npm package for a TypeScript task, then reuses the environment", async () => {
    const flow: FlowFileInput = {
      name: uniqueName("npm-dep"),
      typescript: { packages: { "is-number": "7.0.0" } },
      tasks: [
        {
          name: "check",
          language: "typescript",
          code: 'import isNumber from "is-number";\nimport { logger } from "pipebook";\nexport default function main() {\n  logger.info("checking");\n  return [isNumber(5), isNumber("x")];\n}\n',
        },
      ],
    };
    const { deploymentId } = await seedDeployment(test.db, flow, "deps");
    const cold = await runOnce(deploymentId);
    expect(cold.view.taskRuns[0]?.error ?? null).toBeNull();
    expect(cold.view.state).toBe("Completed");
    expect(cold.view.taskRuns[0]?.result).toEqual([true, false]);
    expect(builds(cold.logs)).toBe(1);
    expect(cold.logs.some((l) => l.startsWith("[deps] built environment typescript-"))).toBe(true);

    // The lock holds the version npm resolved, recorded with the flow version.
    await expect.poll(async () => (await locksOf(flow.name)).length).toBe(1);
    const [lock] = await locksOf(flow.name);
    expect(lock).toMatchObject({
      language: "typescript",
      packages: { "node_modules/is-number": "7.0.0" },
    });

    // The API shows the lock with the flow version.
    const response = await fetch(`${server.url}/api/v1/flows/${flow.name}/versions/latest`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect(response.status).toBe(200);
    const read = (await response.json()) as { flowFile: unknown; environments: unknown[] };
    expect(read.flowFile).toMatchObject({ typescript: { packages: { "is-number": "7.0.0" } } });
    expect(read.environments).toEqual([
      expect.objectContaining({
        language: "typescript",
        declared: { "is-number": "7.0.0" },
        resolved: { "node_modules/is-number": "7.0.0" },
      }),
    ]);

    // And the CLI (the bundle users run; asynchronously: this process serves its API).
    const { stdout: cli } = await promisify(execFile)(
      process.execPath,
      [CLI, "flow", "deps", flow.name],
      { env: { ...process.env, PIPEBOOK_API_URL: server.url, PIPEBOOK_API_KEY: server.apiKey } },
    );
    expect(cli).toMatch(/^LANGUAGE\s+DECLARED\s+LOCKED\s+BY\n/);
    expect(cli).toMatch(/typescript\s+is-number@7\.0\.0\s+is-number@7\.0\.0\s+\S+/);
    const warm = await runOnce(deploymentId);
    expect(warm.view.state).toBe("Completed");
    expect(warm.view.taskRuns[0]?.result).toEqual([true, false]);
    expect(builds(warm.logs)).toBe(0);
    console.log(`npm is-number@7.0.0: cold run ${cold.ms} ms, warm run ${warm.ms} ms`);
  });

  it("installs a Python requirement from --pip-find-links, records its lock, reuses it", async () => {
    const flow: FlowFileInput = {
      name: uniqueName("pip-dep"),
      python: { requirements: ["pbtinydep==0.1.0"] },
      tasks: [
        {
          name: "answer",
          language: "python",
          code: "import pbtinydep\n\ndef main():\n    return pbtinydep.VALUE\n",
        },
        // Shell tasks ignore the flow's dependencies.
        { name: "echo", language: "shell", dependsOn: ["answer"], code: 'echo "$ANSWER"' },
      ],
    };
    const { deploymentId } = await seedDeployment(test.db, flow, "deps");
    const cold = await runOnce(deploymentId);
    expect(cold.view.taskRuns.map((t) => [t.name, t.state, t.result])).toEqual([
      ["answer", "Completed", 42],
      ["echo", "Completed", 42],
    ]);
    expect(builds(cold.logs)).toBe(1);
    await expect.poll(async () => (await locksOf(flow.name)).length).toBe(1);
    expect((await locksOf(flow.name))[0]).toEqual({
      language: "python",
      requirements: ["pbtinydep==0.1.0"],
    });

    const warm = await runOnce(deploymentId);
    expect(warm.view.taskRuns[0]?.result).toBe(42);
    expect(builds(warm.logs)).toBe(0);
    console.log(`pip pbtinydep==0.1.0: cold run ${cold.ms} ms, warm run ${warm.ms} ms`);
  });

  it("builds a set once when two agents sharing the environment folder need it at once", async () => {
    const queue = uniqueName("pair");
    const agents = [agentOn(queue, ["--concurrency", "1"]), agentOn(queue, ["--concurrency", "1"])];
    const flow: FlowFileInput = {
      name: uniqueName("pair-dep"),
      python: { requirements: ["pbpairdep==1.0.0"] },
      tasks: [
        {
          name: "double",
          language: "python",
          code: "import pbpairdep\n\ndef main():\n    return pbpairdep.double(21)\n",
        },
      ],
    };
    const { deploymentId } = await seedDeployment(test.db, flow, queue);
    const [a, b] = await Promise.all([runOnce(deploymentId), runOnce(deploymentId)]);
    expect([a!.view.taskRuns[0]?.result, b!.view.taskRuns[0]?.result]).toEqual([42, 42]);
    // Each agent ran one of the runs (concurrency 1), and only one of them built.
    const ran = await test.db.flowRun.findMany({
      where: { id: { in: [a!.view.id, b!.view.id] } },
      select: { agentId: true },
    });
    expect(new Set(ran.map((r) => r.agentId)).size).toBe(2);
    expect(builds(a!.logs) + builds(b!.logs)).toBe(1);
    // The other waited for it (both runs were claimed at once; a build takes seconds).
    const waited = [...a!.logs, ...b!.logs].filter((l) =>
      /^\[deps\] waiting for environment python-\w+: another agent on this machine is building it$/.test(
        l,
      ),
    );
    expect(waited).toHaveLength(1);
    await Promise.all(agents.map((agent) => agent.stop()));

    // Another machine (another environment folder) installs exactly the recorded lock.
    await expect.poll(async () => (await locksOf(flow.name)).length).toBe(1);
    // (A queue of its own: the killed agents' open claims could still take a run of theirs.)
    const other = uniqueName("other");
    const moved = await seedDeployment(test.db, flow, other);
    const elsewhere = startLiveAgent(server, {
      queue: other,
      env: { PIP_NO_INDEX: "1" },
      args: ["--env-dir", path.join(root, "other-envs"), "--pip-find-links", wheels],
    });
    const again = await runOnce(moved.deploymentId).catch((error: unknown) => {
      console.log(elsewhere.output());
      throw error;
    });
    expect(again.view.taskRuns[0]?.result).toBe(42);
    expect(again.logs.filter((l) => l.startsWith(BUILD))).toEqual([
      expect.stringMatching(/pbpairdep==1\.0\.0 \(exact versions of the flow version's lock\)$/),
    ]);
    expect(
      again.logs.some((l) => /--no-deps|Installing collected packages: pbpairdep/.test(l)),
    ).toBe(true);
    await elsewhere.stop();
  }, 150_000);

  it("fails the task with the package pip could not find and the tail of its output", async () => {
    const flow: FlowFileInput = {
      name: uniqueName("bad-dep"),
      python: { requirements: ["pbtinydep==0.1.0", "nosuchpkg-pipebook==9.9"] },
      tasks: [{ name: "never", language: "python", code: "def main():\n    return 1\n" }],
    };
    const { deploymentId } = await seedDeployment(test.db, flow, "deps");
    const { view, logs } = await runOnce(deploymentId);
    expect(view.state).toBe("Failed");
    const error = view.taskRuns[0]?.error;
    expect(error?.type).toBe("DependencyBuildFailed");
    expect(error?.message).toMatch(
      /^pip could not install the dependencies: no matching distribution for "nosuchpkg-pipebook==9\.9"/,
    );
    expect(error?.message).toContain("--- last lines of pip's output ---");
    expect(logs.some((l) => l.startsWith("[deps] ") && l.includes("nosuchpkg-pipebook"))).toBe(
      true,
    );
    expect(await locksOf(flow.name)).toEqual([]);
  });
});
