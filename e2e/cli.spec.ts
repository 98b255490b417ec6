// `npx pipebook …` against a real server: the same API, from a shell.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startAgent, stopAllAgents } from "./support/agents.ts";
import { E2E_API_KEY } from "./support/constants.ts";
import { expect, flowYaml, test, uniqueName } from "./support/fixtures.ts";

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../bin/pipebook.mjs");

async function pipebook(baseURL: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, PIPEBOOK_API_URL: baseURL, PIPEBOOK_API_KEY: E2E_API_KEY },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test.afterEach(async () => {
  await stopAllAgents();
});

function writeFlow(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-cli-"));
  const file = path.join(dir, "flow.yaml");
  fs.writeFileSync(file, text);
  return file;
}

test("flow import, deploy with queue and tag, run with --param", async ({ baseURL, api }) => {
  const name = uniqueName("cli");
  const file = writeFlow(flowYaml(name));

  const imported = await pipebook(baseURL!, ["flow", "import", file]);
  expect(imported).toMatchObject({ code: 0, stdout: `Imported flow ${name}: version 1\n` });
  expect((await pipebook(baseURL!, ["flow", "import", file])).stdout).toBe(
    `Flow ${name} is unchanged: version 1\n`,
  );

  const queue = uniqueName("q");
  const deployed = await pipebook(baseURL!, [
    "deploy",
    file,
    "--queue",
    queue,
    "--tag",
    "gpu",
    "--name",
    "nightly",
  ]);
  expect(deployed.code).toBe(0);
  expect(deployed.stdout).toContain(
    `Deployed ${name}/nightly (flow version 1) to work queue "${queue}" with tags gpu`,
  );

  const started = await pipebook(baseURL!, [
    "run",
    `${name}/nightly`,
    "--param",
    'repos=["a/b"]',
    "--json",
  ]);
  expect(started.code).toBe(0);
  const created = JSON.parse(started.stdout) as { id: string; state: string };
  expect(created.state).toBe("Scheduled");
  const read = await (await api.get(`/api/v1/flow-runs/${created.id}`)).json();
  expect(read.parameters).toEqual({ repos: ["a/b"] });
  expect(read.workQueue).toBe(queue);
});

test("errors are clear and exit non-zero", async ({ baseURL }) => {
  const name = uniqueName("clibad");
  const bad = writeFlow(
    `name: ${name}\ntasks:\n  - {name: a, language: shell, code: x, dependsOn: [b]}\n  - {name: b, language: shell, code: x, dependsOn: [a]}\n`,
  );
  const refused = await pipebook(baseURL!, ["flow", "import", bad]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain(`${bad}:3:`);
  expect(refused.stderr).toContain("dependency cycle: a → b → a");

  const good = writeFlow(flowYaml(name));
  await pipebook(baseURL!, ["deploy", good]);
  const wrongType = await pipebook(baseURL!, ["run", `${name}/default`, "--param", "repos=3"]);
  expect(wrongType.code).toBe(1);
  expect(wrongType.stderr).toContain('parameter "repos" must be array (got number 3)');

  const missing = await pipebook(baseURL!, ["run", "no-such-deployment"]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain('no deployment "no-such-deployment"');

  const usage = await pipebook(baseURL!, ["deploy"]);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain("missing FILE");

  const unreachable = await run(process.execPath, [
    bin,
    "flow",
    "import",
    good,
    "--api-url",
    "http://127.0.0.1:9",
  ]).catch((e: { code: number; stderr: string }) => e);
  expect((unreachable as { stderr: string }).stderr).toContain(
    "could not reach the Pipebook server",
  );
});

test("run --watch follows states and logs to the end; its exit code says how it ended", async ({
  baseURL,
}) => {
  const queue = uniqueName("q");
  const name = uniqueName("watch");
  const file = writeFlow(
    `name: ${name}\nparameters:\n  type: object\n  properties:\n    fail: { type: boolean, default: false }\ntasks:\n  - name: hello\n    language: python\n    code: |\n      def main(fail):\n          print("hello from python")\n          if fail:\n              raise RuntimeError("asked to fail")\n          return 1\n  - name: bye\n    language: shell\n    dependsOn: [hello]\n    code: echo "bye $HELLO"\n`,
  );
  await pipebook(baseURL!, ["deploy", file, "--queue", queue]);
  const agent = startAgent({ apiUrl: baseURL!, queues: [queue] });
  await agent.waitFor(/connected to/);
  const ok = await pipebook(baseURL!, ["run", `${name}/default`, "--watch"]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/flow run Completed/);
  expect(ok.stdout).toMatch(/hello \| hello from python/);
  expect(ok.stdout).toMatch(/bye \| bye 1/);
  expect(ok.stdout).toMatch(/bye Completed/);
  const failed = await pipebook(baseURL!, [
    "run",
    `${name}/default`,
    "--param",
    "fail=true",
    "--watch",
  ]);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/hello Failed: asked to fail/);
  expect(failed.stdout).toMatch(/bye NotRun/);
  expect(failed.stdout).toMatch(/flow run Failed/);
  await agent.stop();
});

test("--help documents every command", async ({ baseURL }) => {
  const help = await pipebook(baseURL!, ["--help"]);
  expect(help.stdout).toContain("flow import FILE");
  for (const command of [["flow", "import"], ["deploy"], ["run"]]) {
    const out = await pipebook(baseURL!, [...command, "--help"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: pipebook /);
  }
});
