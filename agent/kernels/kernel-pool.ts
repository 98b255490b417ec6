// Warm kernels: a task takes an idle kernel of its language and its group (one deployment's one
// flow version, see run-folders.ts) or starts one, and gives it back when it finishes cleanly.
// A kernel never serves another group: a task can hook its interpreter (wrap a module, patch
// builtins), and that must not reach another flow's runs and their parameters. Each group keeps
// one idle kernel ready, so a run's next task pays no interpreter start-up (measured here:
// ~40 ms for python3, ~50 ms for node, plus ~5–7 ms for the bwrap sandbox). A task with
// dependencies has a group of its own per environment (run-folders.ts environmentGroup).
import { execFileSync } from "node:child_process";
import { NO_SANDBOX, type Sandbox } from "../isolation/sandbox.ts";
import type { KernelGroup } from "../runners/run-folders.ts";
import { KernelProcess } from "./kernel-process.ts";
import type { KernelFiles } from "./kernel-files.ts";

export type KernelLanguage = "python" | "typescript";

// A kernel keeps what tasks imported (that is what makes it fast); recycling it now and then
// bounds what stray state and ES-module caches can accumulate.
const RECYCLE_AFTER_TASKS = 500;
const MAX_IDLE_PER_GROUP = 4;
// Idle kernels of all groups together; the longest idle goes first (~15–30 MB each).
const MAX_IDLE = 8;

type Idle = { slot: string; kernel: KernelProcess };

export class KernelPool {
  private idle: Idle[] = [];
  private warming = new Set<string>();
  private closed = false;
  private pythonProblem: string | undefined;
  private python: string | undefined;

  constructor(
    private readonly files: KernelFiles,
    private readonly options: {
      python: string;
      node: string;
      env: NodeJS.ProcessEnv;
      sandbox?: Sandbox;
    },
  ) {}

  /**
   * Finds the real Python once: `python3` is often a shim (pyenv, asdf) that costs tens of
   * milliseconds per start; the interpreter it resolves to does not.
   */
  private resolvePython(): string {
    if (this.python) return this.python;
    if (this.pythonProblem) throw new Error(this.pythonProblem);
    try {
      this.python = execFileSync(this.options.python, ["-c", "import sys; print(sys.executable)"], {
        encoding: "utf8",
        timeout: 30_000,
      }).trim();
      return this.python;
    } catch (error) {
      this.pythonProblem = `Python tasks need ${this.options.python} on the agent's host (set --python): ${(error as Error).message.split("\n")[0]}`;
      throw new Error(this.pythonProblem);
    }
  }

  private async start(language: KernelLanguage, group: KernelGroup): Promise<KernelProcess> {
    const { env } = this.options;
    const sandbox = this.options.sandbox ?? NO_SANDBOX;
    // A task with dependencies runs in its environment: the venv's Python, its packages readable.
    const readable = [this.files.dir, ...(group.env ? [group.env.dir] : [])];
    const view = { writable: [group.dir], readable, cwd: group.dir };
    const [command, args, kernelEnv] =
      language === "python"
        ? [
            group.env?.python ?? this.resolvePython(),
            ["-u", this.files.pythonKernel],
            {
              ...env,
              PYTHONPATH: [this.files.pythonPath, env.PYTHONPATH].filter(Boolean).join(":"),
              PYTHONUNBUFFERED: "1",
              PYTHONDONTWRITEBYTECODE: "1",
            },
          ]
        : [this.options.node, ["--enable-source-maps", this.files.nodeKernel], env];
    const wrapped = sandbox.wrap(command, args, view);
    return await KernelProcess.start({ ...wrapped, env: kernelEnv, cwd: group.dir });
  }

  async acquire(language: KernelLanguage, group: KernelGroup): Promise<KernelProcess> {
    const slot = `${language} ${group.key}`;
    this.idle = this.idle.filter((e) => e.kernel.alive);
    // A kernel that ran the group's tasks already has their imports loaded: it goes first.
    const mine = this.idle.filter((e) => e.slot === slot);
    const best = mine.findLast((e) => e.kernel.tasksRun > 0) ?? mine.at(-1);
    if (best) this.idle.splice(this.idle.indexOf(best), 1);
    const kernel = best?.kernel ?? (await this.start(language, group));
    this.warm(language, group);
    return kernel;
  }

  release(
    language: KernelLanguage,
    group: KernelGroup,
    kernel: KernelProcess,
    healthy: boolean,
  ): void {
    const slot = `${language} ${group.key}`;
    const keep =
      healthy &&
      !this.closed &&
      kernel.alive &&
      kernel.tasksRun < RECYCLE_AFTER_TASKS &&
      this.idle.filter((e) => e.slot === slot).length < MAX_IDLE_PER_GROUP;
    if (keep) this.keep({ slot, kernel });
    else void kernel.kill();
  }

  private keep(entry: Idle): void {
    this.idle.push(entry);
    while (this.idle.length > MAX_IDLE) void this.idle.shift()!.kernel.kill();
  }

  /** Whether Python tasks can run here; else why not (for the agent's start-up message). */
  checkPython(): string | undefined {
    try {
      this.resolvePython();
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }

  /** Keeps one kernel of `language` ready for `group`, starting it in the background. */
  warm(language: KernelLanguage, group: KernelGroup): void {
    const slot = `${language} ${group.key}`;
    if (this.closed || this.warming.has(slot) || this.idle.some((e) => e.slot === slot)) return;
    this.warming.add(slot);
    this.start(language, group)
      .then((kernel) => {
        if (this.closed) void kernel.kill();
        else this.keep({ slot, kernel });
      })
      .catch(() => {
        // The next task that needs this kernel starts one itself and reports why it failed.
      })
      .finally(() => {
        this.warming.delete(slot);
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.idle.map((e) => e.kernel);
    this.idle = [];
    await Promise.all(all.map((k) => k.kill()));
  }
}
