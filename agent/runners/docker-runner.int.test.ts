// The docker runner against a stand-in for the docker CLI (no Docker engine runs on the build
// machines): a real child process that speaks the container's side of the protocol — reads the
// run, prints events — and then dies, as a container can, before saying "end".
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ClaimedRun, ReportEvent } from "../../contract/agent-protocol.ts";
import { finalFlowRunStateProblem, type TaskRunState } from "../../contract/run-states.ts";
import { DockerRunner } from "./docker-runner.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pb-fake-docker-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const run = {
  flowRunId: "5b0c7c63-6f06-4b1b-9d2b-7a9f8f1f2a10",
  leaseId: "6b0c7c63-6f06-4b1b-9d2b-7a9f8f1f2a10",
  flow: { name: "etl", version: 1 },
  runner: { kind: "docker", image: "node:20-slim" },
  tasks: [{ name: "extract" }, { name: "load" }],
  completed: {},
  priorAttempts: {},
} as unknown as ClaimedRun;

/** A docker CLI that prints these container events, then exits with `code`. */
function fakeDocker(events: object[], code: number): string {
  const file = path.join(dir, `docker-${Math.random().toString(36).slice(2)}`);
  const lines = events.map((event) => JSON.stringify({ $: "event", event }));
  fs.writeFileSync(
    file,
    `#!${process.execPath}
process.stdin.once("data", () => {
  for (const line of ${JSON.stringify(lines)}) console.log(line);
  console.error("container killed");
  process.exit(${code});
});
`,
    { mode: 0o755 },
  );
  return file;
}

async function execute(docker: string) {
  const events: ReportEvent[] = [];
  const end = await new DockerRunner({ docker, bundlePath: "/a", log: () => {} }).execute({
    run,
    sink: { push: (event) => events.push(event) },
    signal: new AbortController().signal,
    cacheLookup: async () => ({ hit: false }),
    taskContext: async () => ({ ok: true, context: { secrets: {}, variables: {} } }),
  });
  const tasks = new Map<string, TaskRunState>();
  for (const e of events) if (e.type === "task") tasks.set(e.task, e.state);
  const flows = events.filter((e) => e.type === "flow").map((e) => e.state);
  const names = [...tasks].map(([name, state]) => ({ name, state }));
  return { end, events, tasks: Object.fromEntries(tasks), flows, names };
}

const at = () => new Date().toISOString();

describe("a container that dies before it says the run ended", () => {
  it("mid-task: the running task Crashed, the rest NotRun, the run Failed", async () => {
    const result = await execute(
      fakeDocker(
        [
          { type: "flow", state: "Running", at: at() },
          { type: "task", task: "extract", state: "Running", attempt: 1, at: at() },
        ],
        137,
      ),
    );
    expect(result.end).toBe("Failed");
    expect(result.tasks).toEqual({ extract: "Crashed", load: "NotRun" });
    expect(result.flows).toEqual(["Running", "Failed"]);
    expect(result.events.at(-1)).toMatchObject({
      message: "the container exited with code 137: container killed",
      error: { type: "RunnerFailed" },
    });
    // What the server checks a run's end against.
    expect(finalFlowRunStateProblem("Failed", result.names)).toBeNull();
  });

  it("after every task completed: the run Completed, as the server's rule requires", async () => {
    const result = await execute(
      fakeDocker(
        [
          { type: "flow", state: "Running", at: at() },
          ...["extract", "load"].flatMap((task) => [
            { type: "task", task, state: "Running", attempt: 1, at: at() },
            { type: "task", task, state: "Completed", attempt: 1, at: at(), result: 1 },
          ]),
        ],
        1,
      ),
    );
    expect(result.end).toBe("Completed");
    expect(result.flows).toEqual(["Running", "Completed"]);
    expect(result.events.at(-1)).toMatchObject({
      message: "the container exited with code 1: container killed, after all its tasks had ended",
    });
    expect(finalFlowRunStateProblem("Completed", result.names)).toBeNull();
  });

  it("after it reported the run's end: that end stands, with no second one", async () => {
    const result = await execute(
      fakeDocker(
        [
          { type: "flow", state: "Running", at: at() },
          { type: "task", task: "extract", state: "Running", attempt: 1, at: at() },
          { type: "task", task: "extract", state: "Failed", attempt: 1, at: at() },
          { type: "task", task: "load", state: "NotRun", attempt: 0, at: at() },
          { type: "flow", state: "Failed", at: at(), message: 'task "extract" failed' },
        ],
        1,
      ),
    );
    expect(result.end).toBe("Failed");
    expect(result.flows).toEqual(["Running", "Failed"]);
  });
});
