// What a task did wrong, told precisely: a bad binding, a result that is not JSON (and where),
// an exception, a non-zero exit, a process that exits under its kernel. Real kernels: python3,
// node and bash child processes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimedRun,
  execute,
  logsOf,
  resultOf,
  startKernels,
  taskEvent,
  taskStates,
  type Kernels,
} from "../../test/support/agent-harness.ts";

let kernels: Kernels;
beforeAll(() => {
  kernels = startKernels();
});
afterAll(async () => {
  await kernels.close();
});

describe("a task that goes wrong", () => {
  it("explains what a task did wrong: bad binding, non-JSON result, a process that exits", async () => {
    const run = await claimedRun({
      name: "mistakes",
      tasks: [
        { name: "binding", language: "python", code: "def main(nope):\n    return 1" },
        { name: "not_json", language: "python", code: "def main():\n    return {1, 2}" },
        {
          name: "exits",
          language: "python",
          code: "import os, sys\ndef main():\n    print('py going down', file=sys.stderr, flush=True)\n    os._exit(3)",
        },
        {
          name: "ts_exits",
          language: "typescript",
          code: 'export default function main() {\n  console.error("ts going down");\n  process.exit(3);\n}',
        },
        {
          name: "ts_throws",
          language: "typescript",
          code: "export default function main(): number {\n  throw new TypeError('nope');\n}",
        },
        { name: "shell_fails", language: "shell", code: "echo 'about to fail' >&2\nexit 4" },
        {
          name: "still_works",
          language: "python",
          dependsOn: ["exits"],
          code: "def main():\n    return 1",
        },
      ],
    });
    const { events } = await execute(kernels, run, { taskConcurrency: 1 });
    expect(taskEvent(events, "binding", "Failed").error).toMatchObject({
      type: "BindingError",
      message:
        "main() of task 'binding' needs nope, but the task receives only: nothing (the flow's parameters and the results of its upstream tasks)",
    });
    expect(taskEvent(events, "not_json", "Failed").error).toMatchObject({
      type: "ResultNotSerializable",
      message: "main() returned a value that is not JSON: result is a set",
    });
    expect(taskEvent(events, "exits", "Failed").error).toMatchObject({ type: "ProcessExited" });
    expect(taskEvent(events, "ts_exits", "Failed").error).toMatchObject({
      type: "ProcessExited",
      message: "the task's process exited (code 3) before the task finished",
    });
    // What a dying process wrote last is often the reason it died: it must reach the logs.
    expect(logsOf(events, "exits").map((l) => l.message)).toContain("py going down");
    expect(logsOf(events, "ts_exits").map((l) => l.message)).toContain("ts going down");
    const thrown = taskEvent(events, "ts_throws", "Failed").error!;
    expect(thrown).toMatchObject({ type: "TypeError", message: "nope" });
    // Source maps: the stack points at the cell's TypeScript line.
    expect(thrown.traceback).toContain("<task ts_throws>:2:9");
    expect(taskEvent(events, "shell_fails", "Failed").error).toEqual({
      type: "NonZeroExit",
      message: "the shell task exited with code 4: about to fail",
    });
    // A kernel that died is replaced: the next Python task runs.
    const again = await execute(
      kernels,
      await claimedRun({
        name: "next",
        tasks: [{ name: "ok", language: "python", code: "def main():\n    return 'fine'" }],
      }),
    );
    expect(resultOf(again.events, "ok")).toBe("fine");
  });

  it("has no ceiling on a result's size: without a storage (a docker run's inside) 9 MB stay inline", async () => {
    const run = await claimedRun({
      name: "big",
      tasks: [
        {
          name: "huge",
          language: "python",
          code: "def main():\n    return 'x' * (9 * 1024 * 1024)",
        },
      ],
    });
    const { events } = await execute(kernels, run);
    expect(taskStates(events)).toEqual(["huge:Running", "huge:Completed"]);
    expect((resultOf(events, "huge") as string).length).toBe(9 * 1024 * 1024);
  });
});
