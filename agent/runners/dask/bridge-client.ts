// The agent's side of the Dask bridge (bridge.py): one long-lived Python process per scheduler
// address, holding one distributed.Client. Each Python attempt of a dask run becomes a future on
// the cluster; the lines the attempt prints and logs stream back while it runs (the rest with its
// outcome) and reach the run's logs as the attempt's own, with their level and the time they were
// written on the worker. A cancel (the run's cancel, or the attempt's timeout) cancels the future and ends
// the attempt at once: Dask cannot stop a Python thread that is already running on a worker, so
// such an attempt's code runs on to its end there, but nothing waits for it any more.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import readline from "node:readline";
import type { Readable } from "node:stream";
import type { TaskError } from "../../../contract/agent-protocol.ts";
import type { RemotePython } from "../../executor/task-environment.ts";
import { clip, type OutputLine, type TaskOutcome } from "../../kernels/output.ts";

type Answer =
  | { type: "ready"; scheduler: string; workers: number; threads: number; version: string }
  | { type: "cluster"; workers: number; threads: number }
  | { type: "lines"; id: string; lines: [number, OutputLine["level"], string][] }
  | { type: "fatal"; message: string }
  | ({
      type: "done";
      id: string;
      lines: [number, OutputLine["level"], string][];
      worker?: string;
      pid?: number;
    } & ({ ok: true; resultJson: string } | { ok: false; error: TaskError }));

type Pending = { resolve: (outcome: TaskOutcome) => void; onOutput: (line: OutputLine) => void };

const START_TIMEOUT_MS = 30_000;

export class DaskBridge implements RemotePython {
  private pending = new Map<string, Pending>();
  private gone = false;
  private exitedPromise: Promise<void>;
  private prefix = crypto.randomBytes(4).toString("hex");
  private next = 0;
  /** Why the bridge is gone, for attempts that were waiting on it. */
  private exitReason = "";

  private constructor(
    private readonly child: ChildProcess,
    readonly scheduler: string,
    /** The cluster's size, kept up to date by the bridge. */
    public workers: number,
    public threads: number,
    readonly version: string,
  ) {
    this.exitedPromise = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /**
   * Starts the bridge for `scheduler` with `python` (a Python that has `distributed`); resolves
   * once it is connected, rejects with the reason when it cannot connect.
   */
  static start(options: {
    python: string;
    bridge: string;
    scheduler: string;
    env: NodeJS.ProcessEnv;
    onLog?: (line: string) => void;
  }): Promise<DaskBridge> {
    const child = spawn(options.python, ["-u", options.bridge, options.scheduler], {
      env: { ...options.env, PYTHONDONTWRITEBYTECODE: "1" },
      stdio: ["pipe", "pipe", "pipe", "pipe"],
    });
    let early = "";
    const collect = (chunk: Buffer) => {
      early = (early + chunk.toString()).slice(-4000);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    return new Promise((resolve, reject) => {
      let bridge: DaskBridge | undefined;
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(
          new Error(
            `the Dask bridge did not connect to ${options.scheduler} within ${START_TIMEOUT_MS / 1000} s`,
          ),
        );
      }, START_TIMEOUT_MS);
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${options.python} for the Dask runner: ${error.message}`));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        if (!bridge) {
          const last = early.trim().split("\n").slice(-3).join(" / ");
          reject(
            new Error(
              `the Dask bridge (${options.python}) exited while connecting to ${options.scheduler} (${signal ?? `code ${code}`})${last ? `: ${last}` : ""}`,
            ),
          );
        }
      });
      // A command written as the bridge dies fails with EPIPE: its exit reports that.
      child.stdin!.on("error", () => undefined);
      const answers = readline.createInterface({ input: child.stdio[3] as Readable });
      answers.on("line", (line) => {
        let answer: Answer;
        try {
          answer = JSON.parse(line) as Answer;
        } catch {
          return;
        }
        if (answer.type === "fatal") {
          clearTimeout(timer);
          child.kill("SIGKILL");
          reject(new Error(answer.message));
        } else if (answer.type === "ready" && !bridge) {
          clearTimeout(timer);
          bridge = new DaskBridge(
            child,
            options.scheduler,
            answer.workers,
            answer.threads,
            answer.version,
          );
          bridge.listen(options.onLog);
          resolve(bridge);
        } else if (answer.type === "done") {
          bridge?.settle(answer);
        } else if (answer.type === "lines") {
          bridge?.lines(answer.id, answer.lines);
        } else if (answer.type === "cluster" && bridge) {
          bridge.workers = answer.workers;
          bridge.threads = answer.threads;
        }
      });
    });
  }

  private listen(onLog?: (line: string) => void) {
    {
      const lines = (stream: Readable | null) =>
        stream && readline.createInterface({ input: stream }).on("line", (l) => onLog?.(l));
      lines(this.child.stdout);
      lines(this.child.stderr);
    }
    this.child.once("exit", (code, signal) => {
      this.gone = true;
      this.exitReason = `the Dask bridge to ${this.scheduler} exited (${signal ?? `code ${code}`})`;
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.resolve({ ok: false, error: { type: "RunnerFailed", message: this.exitReason } });
      }
    });
  }

  /** Lines of a running attempt, streamed from its worker (and the rest with its outcome). */
  private lines(id: string, lines: [number, OutputLine["level"], string][]) {
    const pending = this.pending.get(id);
    if (!pending) return;
    for (const [ms, level, message] of lines) {
      pending.onOutput({ level, message: clip(message), at: new Date(ms) });
    }
  }

  private settle(answer: Extract<Answer, { type: "done" }>) {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.lines(answer.id, answer.lines ?? []);
    this.pending.delete(answer.id);
    pending.resolve(
      answer.ok ? { ok: true, resultJson: answer.resultJson } : { ok: false, error: answer.error },
    );
  }

  /** Resolves when the bridge process has exited. */
  get exited(): Promise<void> {
    return this.exitedPromise;
  }

  run(
    attempt: Parameters<RemotePython["run"]>[0],
    onOutput: (line: OutputLine) => void,
  ): { outcome: Promise<TaskOutcome>; cancel: () => void } {
    if (this.gone) {
      return {
        outcome: Promise.resolve({
          ok: false,
          error: { type: "RunnerFailed", message: this.exitReason },
        }),
        cancel: () => undefined,
      };
    }
    const id = `${this.prefix}-${this.next++}`;
    let resolve!: (outcome: TaskOutcome) => void;
    const outcome = new Promise<TaskOutcome>((r) => (resolve = r));
    this.pending.set(id, { resolve, onOutput });
    this.send({ op: "submit", id, payload: attempt });
    const cancel = () => {
      if (!this.pending.delete(id)) return;
      this.send({ op: "cancel", id });
      resolve({
        ok: false,
        error: { type: "Cancelled", message: "the attempt's Dask future was cancelled" },
      });
    };
    return { outcome, cancel };
  }

  private send(command: Record<string, unknown>) {
    if (!this.gone) this.child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  /** Closes the client (stdin's end) and waits for the bridge to exit, killing it after 5 s. */
  close(): Promise<void> {
    if (this.gone) return Promise.resolve();
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    return gone.finally(() => clearTimeout(timer));
  }
}
