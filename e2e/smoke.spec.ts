// The smoke test `npm test` runs on Node 24 (playwright.smoke.config.ts): a real server, a real
// agent and a run of Python, TypeScript and shell tasks, then the studio showing that run — all on
// the Node that runs Playwright. PIPEBOOK_TEST_NODE_MAJOR (set by scripts/test.mjs) makes sure
// that Node is the one meant, so the test cannot pass on the machine's Node by mistake.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";

test.afterEach(async () => {
  await stopAllAgents();
});

/** The executables of the processes whose command line holds `needle`. */
function executablesOf(needle: string): string[] {
  return execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.includes(needle) && !line.includes(" ps "))
    .map((line) => fs.realpathSync(`/proc/${line.trim().split(/\s+/)[0]}/exe`));
}

test("a server, an agent and a run on this Node, shown in the studio", async ({
  api,
  page,
  baseURL,
}) => {
  const major = process.env.PIPEBOOK_TEST_NODE_MAJOR;
  if (major) expect(process.versions.node.split(".")[0]).toBe(major);
  const node = fs.realpathSync(process.execPath);
  const port = new URL(baseURL!).port;
  const servers = executablesOf(`pipebook-server.mjs --port ${port} `);
  expect(servers.length).toBeGreaterThan(0);
  expect(new Set(servers)).toEqual(new Set([node]));

  const queue = uniqueName("smoke");
  const agent = startAgent({ apiUrl: baseURL!, queues: [queue] });
  await agent.waitFor(/connected to/);
  expect(fs.realpathSync(`/proc/${agent.child.pid}/exe`)).toBe(node);

  const deployment = await deployFlow(
    api,
    {
      name: uniqueName("smoke"),
      tasks: [
        { name: "extract", language: "python", code: "def main():\n    return [1, 2, 3]\n" },
        {
          name: "version",
          language: "typescript",
          dependsOn: ["extract"],
          code: "export default function main({ extract }: { extract: number[] }) {\n  return `${process.version} ${extract.length}`;\n}\n",
        },
        { name: "done", language: "shell", dependsOn: ["version"], code: "echo done\n" },
      ],
    },
    { workQueue: queue },
  );
  const runId = await trigger(api, deployment.id);
  const run = await waitForRun(api, runId, { timeoutMs: 60_000 });
  expect(run.state).toBe("Completed");
  // The TypeScript task ran in the agent's Node kernel: the same Node again.
  expect(run.taskRuns.find((t) => t.name === "version")?.result).toBe(`${process.version} 3`);

  await signIn(page);
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("run-state").locator("[data-state]")).toHaveText("Completed");
  for (const task of ["extract", "version", "done"]) {
    await expect(page.locator(`[data-testid="run-graph"] [data-task="${task}"]`)).toHaveAttribute(
      "data-state",
      "Completed",
    );
  }
});
