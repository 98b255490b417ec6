// One warm kernel (a Python or Node process) that runs tasks one after another. The agent sends
// a command on the kernel's fd 3 and reads the answer on fd 4; the task's stdout and stderr are
// read as its log lines. A task is over when the answer and the end markers on both output
// streams have all arrived — so no line of one task is ever attributed to the next.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { killTree } from "./process-tree.ts";
import { readLines, type OutputLine, type TaskOutcome } from "./output.ts";

export type KernelSpec = { command: string; args: string[]; env: NodeJS.ProcessEnv; cwd: string };

type Running = {
  onOutput: (line: OutputLine) => void;
  answer?: TaskOutcome;
  stdoutDone: boolean;
  stderrDone: boolean;
  resolve: (outcome: TaskOutcome) => void;
};

type KernelMessage =
  | { type: "ready"; pid: number; version: string }
  | { type: "log"; level: OutputLine["level"]; message: string }
  | ({ type: "done" } & TaskOutcome);

const START_TIMEOUT_MS = 30_000;
const EXIT_DRAIN_MS = 500;

export class KernelProcess {
  tasksRun = 0;
  private running: Running | null = null;
  private exited = false;
  private exitListeners: (() => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly version: string,
  ) {}

  static start(spec: KernelSpec): Promise<KernelProcess> {
    const mark = crypto.randomBytes(12).toString("hex");
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...spec.env, PIPEBOOK_KERNEL_MARK: mark },
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
      // Its own process group: a kill takes whatever the task started with it.
      detached: true,
    });
    return new Promise((resolve, reject) => {
      let kernel: KernelProcess | undefined;
      let early = "";
      const timer = setTimeout(() => {
        killTree(child);
        reject(new Error(`${spec.command} did not start within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${spec.command}: ${error.message}`));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        if (!kernel) {
          reject(
            new Error(
              `${spec.command} exited while starting (${signal ?? `code ${code}`})${early ? `: ${early.trim()}` : ""}`,
            ),
          );
        }
      });
      // The command pipe of a kernel killed mid-command (a cancel) fails its next write with
      // EPIPE or its reset with ECONNRESET; the kernel's exit reports that, not this stream.
      (child.stdio[3] as Writable).on("error", () => undefined);
      child.stderr!.on("data", (chunk: Buffer) => {
        if (!kernel) early += chunk.toString();
      });
      const answers = child.stdio[4] as Readable;
      readLines(
        answers,
        (line) => {
          let message: KernelMessage;
          try {
            message = JSON.parse(line) as KernelMessage;
          } catch {
            return;
          }
          if (message.type === "ready" && !kernel) {
            clearTimeout(timer);
            kernel = new KernelProcess(child, message.version);
            kernel.listen(mark);
            resolve(kernel);
            return;
          }
          kernel?.onMessage(message);
        },
        { maxLine: Infinity },
      );
    });
  }

  private listen(mark: string) {
    const marker = "\u0000" + mark;
    readLines(
      this.child.stdout!,
      (message, at) => this.running?.onOutput({ level: "info", message, at }),
      { marker: { text: marker, onMarker: () => this.markDone("stdout") } },
    );
    readLines(
      this.child.stderr!,
      (message, at) => this.running?.onOutput({ level: "warning", message, at }),
      { marker: { text: marker, onMarker: () => this.markDone("stderr") } },
    );
    this.child.on("exit", (code, signal) => {
      this.exited = true;
      const finish = () => {
        const running = this.running;
        this.running = null;
        running?.resolve({
          ok: false,
          error: {
            type: "ProcessExited",
            message: `the task's process exited (${signal ?? `code ${code}`}) before the task finished`,
          },
        });
        for (const listener of this.exitListeners.splice(0)) listener();
      };
      // What a dying process wrote last is often why it died, and it can still be in the pipes
      // when 'exit' fires: wait for them to close ('close'), but not for long — a process the
      // task started may hold them open.
      const timer = setTimeout(finish, EXIT_DRAIN_MS);
      this.child.once("close", () => {
        clearTimeout(timer);
        finish();
      });
    });
  }

  private onMessage(message: KernelMessage) {
    const running = this.running;
    if (!running) return;
    if (message.type === "log") {
      running.onOutput({ level: message.level, message: message.message, at: new Date() });
    } else if (message.type === "done") {
      running.answer = !message.ok
        ? { ok: false, error: message.error }
        : "resultFile" in message
          ? { ok: true, resultFile: message.resultFile, sizeBytes: message.sizeBytes }
          : { ok: true, resultJson: message.resultJson };
      this.settle();
    }
  }

  private markDone(stream: "stdout" | "stderr") {
    if (!this.running) return;
    if (stream === "stdout") this.running.stdoutDone = true;
    else this.running.stderrDone = true;
    this.settle();
  }

  private settle() {
    const running = this.running;
    if (running?.answer && running.stdoutDone && running.stderrDone) {
      this.running = null;
      running.resolve(running.answer);
    }
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Runs one task; the kernel must be idle. Output lines arrive through `onOutput`. */
  run(
    command: Record<string, unknown>,
    onOutput: (line: OutputLine) => void,
  ): Promise<TaskOutcome> {
    if (this.running) throw new Error("this kernel is already running a task");
    if (this.exited) {
      return Promise.resolve({
        ok: false,
        error: { type: "ProcessExited", message: "the kernel had exited" },
      });
    }
    this.tasksRun++;
    return new Promise((resolve) => {
      this.running = { onOutput, stdoutDone: false, stderrDone: false, resolve };
      (this.child.stdio[3] as Writable).write(`${JSON.stringify(command)}\n`);
    });
  }

  /** Kills the kernel and everything its task started. */
  kill(): Promise<void> {
    if (this.exited) return Promise.resolve();
    const gone = new Promise<void>((resolve) => this.exitListeners.push(resolve));
    killTree(this.child);
    return gone;
  }
}
