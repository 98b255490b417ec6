// A 1 GB result with the real agent: written by a Python task (streamed to a file by its kernel,
// streamed by the agent to the local storage), read back by a downstream task — first from the
// file the run already has, then, on Run from here, downloaded through the server. The agent's
// memory must stay under 300 MB above its idle size throughout (it never holds the result).
// Slow (~1 min: 2 GB through HTTP, two 1 GB JSON parses), so it runs once: in the PostgreSQL tier.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { liveServer, startLiveAgent, type LiveAgent } from "../../test/support/live-agent.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { replayFlowRun } from "../runs/replay/replay-flow-run.ts";
import { waitForFlowRun } from "../runs/wait-for-run.ts";
import { installLocalStorageRoot } from "./storages.ts";

const test = freshDatabase();
const server = liveServer(test);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-storage-gb-"));
let agent: LiveAgent;
beforeAll(() => {
  installLocalStorageRoot(root);
  agent = startLiveAgent(server);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const MB = 1024 * 1024;
const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;

/** The agent's peak RSS while `work` runs (sampled every 50 ms). */
async function peakRss<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ value: T; peak: number }> {
  let peak = rssOf(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
  try {
    return { value: await work(), peak };
  } finally {
    clearInterval(timer);
  }
}

const ended = (id: string) =>
  waitForFlowRun(test.db, id, { timeoutMs: 240_000, lateAfterMs: 240_000, leaseMs: 15_000 });

describe.runIf(inject("testDatabase").kind === "postgres")("a 1 GB result", () => {
  it(
    "is written and read back by a downstream task with the agent under 300 MB above idle",
    { timeout: 300_000 },
    async () => {
      const { deploymentId } = await seedDeployment(test.db, {
        name: uniqueName("gigabyte"),
        tasks: [
          {
            name: "big",
            language: "python",
            // 1,024 strings of 1 MiB: 1 GiB of JSON (one string object in the kernel, shared).
            code: "def main():\n    chunk = 'x' * (1 << 20)\n    return [chunk] * 1024",
          },
          {
            name: "total",
            language: "python",
            dependsOn: ["big"],
            code: "def main(big):\n    return sum(len(s) for s in big)",
          },
        ],
      });
      // Idle: registered, kernels not yet started.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const idle = rssOf(agent.child.pid!);
      const started = Date.now();
      const { id } = await createFlowRun(test.db, {
        deploymentId,
        parameters: {},
        leaseMs: 15_000,
      });
      const first = await peakRss(agent.child.pid!, () => ended(id));
      const firstMs = Date.now() - started;
      expect(first.value.state, JSON.stringify(first.value.taskRuns)).toBe("Completed");
      expect(first.value.taskRuns.find((t) => t.name === "total")!.result).toBe(1024 * MB);
      const row = await test.db.result.findFirst({
        where: { taskRun: { flowRunId: id, name: "big" } },
      });
      expect(row!.sizeBytes).toBe(1024 * (MB + 2) + 1023 + 2);
      expect(fs.statSync(path.join(root, row!.storageKey!)).size).toBe(row!.sizeBytes);

      // Run from here: the downstream runs again and downloads the 1 GB through the server.
      const againStarted = Date.now();
      const replay = await replayFlowRun(test.db, {
        runId: id,
        kind: "fromTask",
        task: "total",
        version: "run",
      });
      const second = await peakRss(agent.child.pid!, () => ended(replay.id));
      const secondMs = Date.now() - againStarted;
      expect(second.value.state).toBe("Completed");
      expect(second.value.taskRuns.find((t) => t.name === "total")!.result).toBe(1024 * MB);

      const above = Math.max(first.peak, second.peak) - idle;
      // Reported in docs/benchmarks.md ("Large results").
      console.log(
        `1 GB result: write + read ${(firstMs / 1000).toFixed(1)} s, download + read ${(secondMs / 1000).toFixed(1)} s; agent RSS idle ${(idle / MB).toFixed(0)} MB, peak ${(Math.max(first.peak, second.peak) / MB).toFixed(0)} MB (${(above / MB).toFixed(0)} MB above idle)`,
      );
      expect(above).toBeLessThan(300 * MB);
    },
  );
});
