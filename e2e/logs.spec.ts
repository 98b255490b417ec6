// The log pipeline end to end: a real agent streams a task's 200,000 printed lines into the
// server (each stored once, in order), and the API's filters, paging, tail and download and
// `pipebook logs` (with --tail, --grep, --follow on a running task) read them back.
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { E2E_API_KEY } from "./support/constants.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";

const bin = path.resolve(import.meta.dirname, "../bin/pipebook.mjs");
const LINES = 200_000;

type Line = {
  line: number;
  task: string | null;
  attempt: number | null;
  level: string;
  message: string;
  timestamp: string;
};
type Page = { logs: Line[]; next: string | null; previous: string | null; total: number };

async function pipebook(baseURL: string, args: string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, [bin, ...args], {
    env: { ...process.env, PIPEBOOK_API_URL: baseURL, PIPEBOOK_API_KEY: E2E_API_KEY },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trimEnd().split("\n");
}

test.afterEach(async () => {
  await stopAllAgents();
});

test("a task printing 200,000 lines: stored once and in order, read back filtered, paged, downloaded and by the CLI", async ({
  api,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const queue = uniqueName("q");
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("printer"),
      tasks: [
        {
          name: "printer",
          language: "python",
          code: `import sys\ndef main():\n    for i in range(${LINES}):\n        print(f"line {i}")\n        if i % 20000 == 0:\n            print(f"checkpoint {i}", file=sys.stderr)\n`,
        },
        {
          name: "after",
          language: "typescript",
          dependsOn: ["printer"],
          code: 'export default function main() {\n  console.log("after one");\n  console.error("after complains");\n  console.log("after two");\n}\n',
        },
      ],
    },
    { workQueue: queue },
  );
  const id = await trigger(api, deployment.id);
  expect((await waitForRun(api, id, { timeoutMs: 120_000 })).state).toBe("Completed");
  const read = async (query: string): Promise<Page> => {
    const response = await api.get(`/api/v1/flow-runs/${id}/logs?${query}`);
    expect(response.status(), await response.text()).toBe(200);
    return (await response.json()) as Page;
  };

  // Every line once, numbered 1..n without gaps; each stream's lines in the order printed.
  const all: Line[] = [];
  for (let after = "0"; ;) {
    const page = await read(`after=${after}&limit=5000`);
    all.push(...page.logs);
    if (page.next === null) break;
    after = page.next;
  }
  const total = LINES + 10 + 3;
  expect(all.length).toBe(total);
  expect(all.every((l, i) => l.line === i + 1)).toBe(true);
  const printed = all.filter((l) => l.task === "printer" && l.level === "info");
  expect(printed.length).toBe(LINES);
  expect(printed.every((l, i) => l.message === `line ${i}`)).toBe(true);
  const checkpoints = all.filter((l) => l.level === "warning" && l.task === "printer");
  expect(checkpoints.map((l) => l.message)).toEqual(
    Array.from({ length: 10 }, (_, i) => `checkpoint ${i * 20000}`),
  );
  expect(all.slice(-3).map((l) => [l.task, l.message].join(" "))).toEqual(
    expect.arrayContaining(["after after one", "after after complains", "after after two"]),
  );

  // Filters, paging backwards, the tail.
  const warnings = await read("level=warning,error&limit=100");
  expect(warnings.logs.map((l) => l.message)).toEqual([
    ...checkpoints.map((l) => l.message),
    "after complains",
  ]);
  expect(warnings.next).toBeNull();
  expect((await read("task=after")).logs.map((l) => l.message)).toEqual(
    all.filter((l) => l.task === "after").map((l) => l.message),
  );
  const found = await read("q=LINE%20123456");
  expect(found.logs.map((l) => [l.line, l.message])).toEqual([
    [all.find((l) => l.message === "line 123456")!.line, "line 123456"],
  ]);
  const middle = all[100_000]!.line;
  const before = await read(`before=${middle}&limit=3`);
  expect(before.logs.map((l) => l.line)).toEqual([middle - 3, middle - 2, middle - 1]);
  expect(before.previous).toBe(String(middle - 3));
  const tail = await read("tail=2");
  expect(tail.logs.map((l) => l.line)).toEqual([total - 1, total]);
  expect(tail.total).toBe(total);

  // The download: the whole log as text, or filtered.
  const download = await api.get(`/api/v1/flow-runs/${id}/logs/download`);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-type"]).toContain("text/plain");
  expect(download.headers()["content-disposition"]).toBe(`attachment; filename="run-${id}.log"`);
  const text = (await download.text()).trimEnd().split("\n");
  expect(text.length).toBe(total);
  expect(text[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z printer#1 (INFO line 0|WARNING checkpoint 0)$/); // prettier-ignore
  const warned = await api.get(`/api/v1/flow-runs/${id}/logs/download?level=warning&task=after`);
  expect((await warned.text()).trimEnd()).toMatch(/^\S+Z after#1 WARNING after complains$/);

  // The CLI.
  expect(await pipebook(baseURL!, ["logs", id, "--tail", "2", "--task", "printer"])).toEqual([
    expect.stringMatching(/Z printer#1 INFO line 199998$/),
    expect.stringMatching(/Z printer#1 INFO line 199999$/),
  ]);
  const grep = await pipebook(baseURL!, ["logs", id, "--grep", "line 19999", "--level", "info"]);
  expect(grep.map((l) => l.split(" INFO ")[1])).toEqual([
    "line 19999",
    ...Array.from({ length: 10 }, (_, i) => `line 19999${i}`),
  ]);
  const whole = await pipebook(baseURL!, ["logs", id]);
  expect(whole.length).toBe(total);
  expect(whole[whole.length - 1]).toBe(text[text.length - 1]);
});

test("pipebook logs --follow prints a running task's lines as they come, and stops when the run ends", async ({
  api,
  baseURL,
}) => {
  const queue = uniqueName("q");
  startAgent({ apiUrl: baseURL!, queues: [queue] });
  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("ticker"),
      tasks: [
        {
          name: "ticker",
          language: "shell",
          code: 'for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.4; done\necho "done" >&2\n',
        },
      ],
    },
    { workQueue: queue },
  );
  const id = await trigger(api, deployment.id);
  await waitForRun(api, id, { states: ["Running"] });
  const cli = spawn(process.execPath, [bin, "logs", id, "--follow"], {
    env: { ...process.env, PIPEBOOK_API_URL: baseURL!, PIPEBOOK_API_KEY: E2E_API_KEY },
  });
  let output = "";
  let firstTickAt = 0;
  cli.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (!firstTickAt && output.includes("tick 1")) firstTickAt = Date.now();
  });
  const code = await new Promise<number | null>((resolve) => cli.on("exit", resolve));
  expect(code).toBe(0);
  const run = await waitForRun(api, id);
  expect(run.state).toBe("Completed");
  // The first line was printed while the task still ran (~2.4 s), not after the end.
  expect(firstTickAt).toBeGreaterThan(0);
  expect(firstTickAt).toBeLessThan(Date.parse(run.endedAt!) - 1000);
  expect(
    output
      .trimEnd()
      .split("\n")
      .map((l) => l.split(" ").slice(1).join(" ")),
  ).toEqual([
    ...Array.from({ length: 6 }, (_, i) => `ticker#1 INFO tick ${i + 1}`),
    "ticker#1 WARNING done",
  ]);
});
