// Shell tasks: one bash process each (shell has no warm kernel to keep; bash starts in ~2 ms).
// Inputs arrive as environment variables; the result is stdout's last line, parsed as JSON when
// it parses, else the text; a non-zero exit fails the attempt.
import { spawn } from "node:child_process";
import type { Sandbox } from "../isolation/sandbox.ts";
import { killTree } from "./process-tree.ts";
import { readLines, type OutputLine, type TaskOutcome } from "./output.ts";

export type ShellTask = {
  task: string;
  code: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Only the run's folder is writable in it (the cost: bwrap's start, ~5–7 ms a task here). */
  sandbox: Sandbox;
  /** Folders the task may write besides its own (its $PIPEBOOK_ARTIFACTS). */
  writable?: string[];
  /** Folders the task may read besides its own (the files of its stored inputs). */
  readable?: string[];
  onOutput: (line: OutputLine) => void;
};

export function runShell(task: ShellTask): { outcome: Promise<TaskOutcome>; kill: () => void } {
  // $0 is the task's name, so bash's own errors read "notify: line 3: …".
  const { command, args } = task.sandbox.wrap("bash", ["-c", task.code, task.task], {
    writable: [task.cwd, ...(task.writable ?? [])],
    readable: task.readable ?? [],
    cwd: task.cwd,
  });
  const child = spawn(command, args, {
    cwd: task.cwd,
    env: task.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let lastOut: string | undefined;
  let lastErr: string | undefined;
  readLines(child.stdout!, (message, at) => {
    if (message.trim()) lastOut = message;
    task.onOutput({ level: "info", message, at });
  });
  readLines(child.stderr!, (message, at) => {
    if (message.trim()) lastErr = message;
    task.onOutput({ level: "warning", message, at });
  });
  const outcome = new Promise<TaskOutcome>((resolve) => {
    child.once("error", (error) =>
      resolve({
        ok: false,
        error: { type: "SpawnError", message: `cannot start bash: ${error.message}` },
      }),
    );
    // "close" waits for the output streams to end too, so the last line is in.
    child.once("close", (code, signal) => {
      if (code === 0) {
        resolve({ ok: true, resultJson: shellResult(lastOut) });
        return;
      }
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      resolve({
        ok: false,
        error: {
          type: "NonZeroExit",
          message: `the shell task ${how}${lastErr ? `: ${lastErr}` : ""}`,
        },
      });
    });
  });
  return { outcome, kill: () => killTree(child) };
}

/** stdout's last line as JSON text: itself when it is JSON, else as a JSON string. */
export function shellResult(lastLine: string | undefined): string {
  if (lastLine === undefined) return "null";
  const text = lastLine.trim();
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(lastLine);
  }
}
