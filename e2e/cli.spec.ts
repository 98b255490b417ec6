// `npx pipebook …` against a real server: the same API, from a shell.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { startAgent, stopAllAgents } from "./support/agents.ts";
import { E2E_API_KEY } from "./support/constants.ts";
import { expect, flowYaml, test, uniqueName } from "./support/fixtures.ts";

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "../bin/pipebook.mjs");

const cliEnv = (baseURL: string, apiKey = E2E_API_KEY) => ({
  ...process.env,
  PIPEBOOK_API_URL: baseURL,
  PIPEBOOK_API_KEY: apiKey,
});

async function pipebook(
  baseURL: string,
  args: string[],
  options: { cwd?: string; apiKey?: string } = {},
) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: cliEnv(baseURL, options.apiKey),
      cwd: options.cwd,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The CLI in the background, for commands that run on (run --watch). */
function spawnPipebook(baseURL: string, args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], {
    env: cliEnv(baseURL),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  running.add(child);
  void exited.then(() => running.delete(child));
  return {
    stdout: () => stdout,
    exited,
    waitFor: (pattern: RegExp) =>
      expect.poll(() => pattern.test(stdout), { timeout: 30_000 }).toBe(true),
  };
}
const running = new Set<ChildProcess>();

test.afterEach(async () => {
  for (const child of running) child.kill("SIGKILL");
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

const WATCHED_FLOW = (name: string) => `name: ${name}
parameters:
  type: object
  properties:
    fail: { type: boolean, default: false }
tasks:
  - name: hello
    language: python
    code: |
      def main(fail):
          print("hello from python")
          if fail:
              raise RuntimeError("asked to fail")
          return {"numbers": list(range(100))}
  - name: bye
    language: shell
    dependsOn: [hello]
    code: |
      echo "working"
      echo "bye"
`;

/** The watch lines without their times, and whether the times never go back. */
function watchLines(stdout: string) {
  // After "Created flow run …"; a message's further lines (a traceback) are not items.
  const lines = stdout
    .trim()
    .split("\n")
    .filter((l) => /^\d\d:\d\d:\d\d\.\d{3} {2}/.test(l));
  const times = lines.map((l) => l.slice(0, 12));
  return {
    texts: lines.map((l) => l.slice(14)),
    inOrder: times.every((t, i) => i === 0 || t >= times[i - 1]!),
  };
}

test("run --watch prints states, log lines and results in the order they happened, the end last", async ({
  baseURL,
}) => {
  const queue = uniqueName("q");
  const name = uniqueName("watch");
  await pipebook(baseURL!, ["deploy", writeFlow(WATCHED_FLOW(name)), "--queue", queue]);
  const agent = startAgent({ apiUrl: baseURL!, queues: [queue] });
  await agent.waitFor(/connected to/);

  const ok = await pipebook(baseURL!, ["run", `${name}/default`, "--watch"]);
  expect(ok.code).toBe(0);
  const { texts, inOrder } = watchLines(ok.stdout);
  expect(inOrder, ok.stdout).toBe(true);
  const result = JSON.stringify({ numbers: [...Array(100).keys()] });
  expect(texts).toEqual([
    "flow run Scheduled",
    "flow run Pending: Claimed by an agent",
    "flow run Running",
    "hello Running",
    "hello | hello from python",
    // A result is cut to one readable line of 200 characters.
    `hello Completed → ${result.slice(0, 199)}…`,
    "bye Running",
    "bye | working",
    "bye | bye",
    'bye Completed → "bye"',
    "flow run Completed",
  ]);
  // `pipebook watch RUN` tells an existing run's story the same way, here after its end.
  const id = /Created flow run (\S+)/.exec(ok.stdout)![1]!;
  const again = await pipebook(baseURL!, ["watch", id]);
  expect(again.code).toBe(0);
  expect(watchLines(again.stdout).texts).toEqual(texts);

  const failed = await pipebook(baseURL!, [
    "run",
    `${name}/default`,
    "--param",
    "fail=true",
    "--watch",
  ]);
  expect(failed.code).toBe(1);
  const failure = watchLines(failed.stdout);
  expect(failure.inOrder, failed.stdout).toBe(true);
  expect(failure.texts.at(-1)).toBe(
    'flow run Failed: task "hello" failed; 1 downstream task did not run',
  );
  expect(failure.texts).toContain("hello Failed: asked to fail");
  expect(failure.texts).toContain('bye NotRun: did not run: upstream task "hello" failed');
  // The traceback is a log line of the task, starting at its own code.
  expect(failed.stdout).toContain("hello ERROR | Traceback (most recent call last):");
  expect(failed.stdout).toContain('File "<task hello>", line 4, in main');
  expect(failed.stdout).not.toContain("kernel.py");
  const order = ["hello | hello from python", "hello ERROR", "hello Failed", "bye NotRun"];
  const at = order.map((text) => failure.texts.findIndex((t) => t.startsWith(text)));
  expect(at).toEqual([...at].sort((a, b) => a - b));
  await agent.stop();
});

test("run --watch says why a run waits, and follows it once an agent takes it", async ({
  baseURL,
}) => {
  const queue = uniqueName("gpu-jobs");
  const name = uniqueName("waits");
  await pipebook(baseURL!, [
    "deploy",
    writeFlow(WATCHED_FLOW(name)),
    "--queue",
    queue,
    "--tag",
    "gpu",
  ]);
  const watch = spawnPipebook(baseURL!, ["run", `${name}/default`, "--watch"]);
  await watch.waitFor(/warning: no online agent serves work queue/);
  expect(watch.stdout()).toContain(`warning: no online agent serves work queue "${queue}"`);
  // Said once, not on every poll.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(watch.stdout().match(/warning:/g)).toHaveLength(1);

  const agent = startAgent({ apiUrl: baseURL!, queues: [queue], tags: ["gpu"] });
  expect(await watch.exited).toBe(0);
  expect(watch.stdout().trim().split("\n").at(-1)).toMatch(/flow run Completed$/);
  await agent.stop();
});

test("flows lists the flows; cancel cancels a waiting run at once and a running one via its agent", async ({
  baseURL,
}) => {
  const name = uniqueName("listed");
  const queue = uniqueName("q");
  const file = writeFlow(
    `name: ${name}\ndescription: Sleeps a while, for cancelling\ntasks:\n  - name: nap\n    language: shell\n    code: |\n      echo napping\n      sleep 30\n`,
  );
  await pipebook(baseURL!, ["deploy", file, "--queue", queue]);

  for (const words of [["flows"], ["flow", "ls"]]) {
    const listed = await pipebook(baseURL!, words);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split("\n")[0]).toMatch(/^NAME +VERSION +UPDATED +DESCRIPTION$/);
    const row = listed.stdout.split("\n").find((l) => l.startsWith(`${name} `));
    expect(row).toMatch(
      new RegExp(
        `^${name} +1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d +Sleeps a while, for cancelling$`,
      ),
    );
  }
  const json = JSON.parse((await pipebook(baseURL!, ["flows", "--json"])).stdout);
  expect(json.flows).toContainEqual(expect.objectContaining({ name, version: 1 }));

  // No agent serves the queue: the run is Cancelled at once.
  const waiting = JSON.parse(
    (await pipebook(baseURL!, ["run", `${name}/default`, "--json"])).stdout,
  ) as { id: string };
  const cancelled = await pipebook(baseURL!, ["cancel", waiting.id]);
  expect(cancelled).toMatchObject({ code: 0, stdout: `Flow run ${waiting.id} is Cancelled\n` });

  // An agent runs it: Cancelling, then Cancelled once the agent stopped the task.
  const agent = startAgent({ apiUrl: baseURL!, queues: [queue] });
  const watch = spawnPipebook(baseURL!, ["run", `${name}/default`, "--watch"]);
  await watch.waitFor(/nap \| napping/);
  const id = /Created flow run (\S+)/.exec(watch.stdout())![1]!;
  const stopping = await pipebook(baseURL!, ["cancel", id, "--wait"]);
  expect(stopping.code).toBe(0);
  expect(stopping.stdout).toBe(
    `Cancelling flow run ${id}: waiting for its agent to stop the tasks\nFlow run ${id} ended Cancelled\n`,
  );
  expect(await watch.exited).toBe(1);
  expect(watch.stdout().trim().split("\n").at(-1)).toMatch(/flow run Cancelled/);

  const again = await pipebook(baseURL!, ["cancel", id]);
  expect(again).toMatchObject({ code: 0, stdout: `Flow run ${id} is Cancelled\n` });
  const missing = await pipebook(baseURL!, ["cancel", "00000000-0000-4000-8000-000000000000"]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain(
    "could not cancel flow run 00000000-0000-4000-8000-000000000000",
  );
  await agent.stop();
});

test("the README's CLI commands work as written", async ({ baseURL }) => {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../README.md"), "utf8");
  const flowFile = /## Flow files[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
  const commands = /## CLI\n\n```sh\n([\s\S]*?)```/
    .exec(readme)![1]!
    .split("\n")
    .filter((line) => line.startsWith("npx pipebook "));
  expect(commands.length).toBeGreaterThan(3);
  const dir = path.dirname(writeFlow(flowFile));
  // The README's deployments go to the queue "default", which `npm start`'s own agent serves.
  const agent = startAgent({ apiUrl: baseURL!, queues: ["default"] });
  await agent.waitFor(/connected to/);
  for (const command of commands) {
    const args = shellWords(command.replace(/#.*$/, "")).slice(2);
    const out = await pipebook(baseURL!, args, { cwd: dir });
    expect(out, `${command}\n${out.stdout}${out.stderr}`).toMatchObject({ code: 0 });
  }
  await agent.stop();
});

/** Splits a command line as sh would for the README's simple cases: words, '…' and "…". */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g)) {
    words.push(match[0].replace(/'([^']*)'|"([^"]*)"/g, (_, a, b) => a ?? b));
  }
  return words;
}

test("--help documents every command", async ({ baseURL }) => {
  const help = await pipebook(baseURL!, ["--help"]);
  expect(help.stdout).toContain("flow import FILE");
  expect(help.stdout).toContain("cancel RUN");
  expect(help.stdout).toMatch(/\n {2}flows +list the flows/);
  for (const command of [
    ["flow", "import"],
    ["deploy"],
    ["run"],
    ["flows"],
    ["cancel"],
    ["watch"],
  ]) {
    const out = await pipebook(baseURL!, [...command, "--help"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: pipebook /);
  }
});

test("pipebook key: a read-only key reads but cannot deploy; revoked, it is refused", async ({
  baseURL,
}) => {
  const created = await pipebook(baseURL!, ["key", "create", "dashboard", "--role", "viewer"]);
  expect(created.code).toBe(0);
  const key = created.stdout.trim();
  expect(key).toMatch(/^pb_[\w-]{43}$/);
  expect(created.stderr).toContain('Created user key "dashboard"');

  expect((await pipebook(baseURL!, ["flows"], { apiKey: key })).code).toBe(0);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-key-")), "f.yaml");
  fs.writeFileSync(file, flowYaml(uniqueName("ro")));
  const refused = await pipebook(baseURL!, ["flow", "import", file], { apiKey: key });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain("this needs the editor role or higher");

  const listed = await pipebook(baseURL!, ["key", "ls", "--json"]);
  type Listed = { apiKeys: { id: string; name: string; prefix: string }[] };
  const row = (JSON.parse(listed.stdout) as Listed).apiKeys.find(
    (k) => k.name === "dashboard" && key.startsWith(k.prefix),
  )!;
  expect((await pipebook(baseURL!, ["key", "revoke", row.id])).code).toBe(0);
  const after = await pipebook(baseURL!, ["flows"], { apiKey: key });
  expect(after.code).not.toBe(0);
  expect(after.stderr).toContain("not valid");
});

test("user invite prints a one-time link; user ls, user role and user disable manage people", async ({
  baseURL,
  playwright,
}) => {
  const email = `${uniqueName("cli")}@example.org`;
  const invited = await pipebook(baseURL!, ["user", "invite", email, "--role", "operator"]);
  expect(invited.code, invited.stderr).toBe(0);
  const link = invited.stdout.trim();
  expect(link).toMatch(new RegExp(`^${baseURL}/invite#token=[A-Za-z0-9_-]{43}$`));
  expect(invited.stderr).toContain(`Invited ${email} as operator; the link works once`);
  const again = await pipebook(baseURL!, ["user", "invite", email]);
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain(`${email} has a pending invitation`);

  // The person joins through the link (as the studio's page posts it).
  const browser = await playwright.request.newContext({ baseURL });
  const joined = await browser.post("/api/auth/invite", {
    data: {
      token: link.split("#token=")[1],
      name: uniqueName("Op"),
      password: "a long enough password",
    },
  });
  expect(joined.status(), await joined.text()).toBe(201);
  await browser.dispose();

  const ls = await pipebook(baseURL!, ["user", "ls"]);
  expect(ls.stdout).toMatch(new RegExp(`${email}\\s+\\S+\\s+operator\\s+`));
  const demoted = await pipebook(baseURL!, ["user", "role", email, "viewer"]);
  expect(demoted.stdout).toContain("is now viewer");
  const disabled = await pipebook(baseURL!, ["user", "disable", email]);
  expect(disabled.stdout).toContain("Disabled");
  const bad = await pipebook(baseURL!, ["user", "role", email, "boss"]);
  expect(bad.stderr).toContain('ROLE must be one of viewer, operator, editor, admin (got "boss")');
  const missing = await pipebook(baseURL!, ["user", "role", "nobody@example.org", "viewer"]);
  expect(missing.stderr).toContain('user "nobody@example.org" was not found');
});
