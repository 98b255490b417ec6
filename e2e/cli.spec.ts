// `npx pipebook …` against a real server: the same API, from a shell — importing, deploying,
// running and watching runs (the README's commands, --help, keys and people: cli-admin.spec.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { startAgent, stopAllAgents } from "./support/agents.ts";
import { bin, cliEnv, pipebook, writeFlow } from "./support/cli.ts";
import { expect, flowYaml, test, uniqueName } from "./support/fixtures.ts";

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

  const unreachable = await pipebook(baseURL!, [
    "flow",
    "import",
    good,
    "--api-url",
    "http://127.0.0.1:9",
  ]);
  expect(unreachable.stderr).toContain("could not reach the Pipebook server");
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
