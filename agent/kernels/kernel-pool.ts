// Warm kernels, per language: a task takes an idle kernel (or starts one), and gives it back
// when it finishes cleanly. One idle kernel per language is kept ready, so even the first task
// of a run pays no interpreter start-up (measured here: ~40 ms for python3, ~50 ms for node).
import { execFileSync } from "node:child_process";
import { KernelProcess } from "./kernel-process.ts";
import type { KernelFiles } from "./kernel-files.ts";

export type KernelLanguage = "python" | "typescript";

// A kernel keeps what tasks imported (that is what makes it fast); recycling it now and then
// bounds what stray state and ES-module caches can accumulate.
const RECYCLE_AFTER_TASKS = 500;
const MAX_IDLE_PER_LANGUAGE = 4;

export class KernelPool {
  private idle: Record<KernelLanguage, KernelProcess[]> = { python: [], typescript: [] };
  private warming: Record<KernelLanguage, boolean> = { python: false, typescript: false };
  private closed = false;
  private pythonProblem: string | undefined;
  private python: string | undefined;

  constructor(
    private readonly files: KernelFiles,
    private readonly options: { python: string; node: string; env: NodeJS.ProcessEnv; cwd: string },
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

  private async start(language: KernelLanguage): Promise<KernelProcess> {
    const { env, cwd } = this.options;
    if (language === "python") {
      return await KernelProcess.start({
        command: this.resolvePython(),
        args: ["-u", this.files.pythonKernel],
        env: {
          ...env,
          PYTHONPATH: [this.files.pythonPath, env.PYTHONPATH].filter(Boolean).join(":"),
          PYTHONUNBUFFERED: "1",
          PYTHONDONTWRITEBYTECODE: "1",
        },
        cwd,
      });
    }
    return await KernelProcess.start({
      command: this.options.node,
      args: ["--enable-source-maps", this.files.nodeKernel],
      env,
      cwd,
    });
  }

  async acquire(language: KernelLanguage): Promise<KernelProcess> {
    let kernel: KernelProcess | undefined;
    while ((kernel = this.idle[language].pop())) {
      if (kernel.alive) break;
    }
    kernel ??= await this.start(language);
    this.warm(language);
    return kernel;
  }

  release(language: KernelLanguage, kernel: KernelProcess, healthy: boolean): void {
    const keep =
      healthy &&
      !this.closed &&
      kernel.alive &&
      kernel.tasksRun < RECYCLE_AFTER_TASKS &&
      this.idle[language].length < MAX_IDLE_PER_LANGUAGE;
    if (keep) this.idle[language].push(kernel);
    else void kernel.kill();
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

  /** Keeps one kernel of `language` ready, starting it in the background. */
  warm(language: KernelLanguage): void {
    if (this.closed || this.warming[language] || this.idle[language].length > 0) return;
    this.warming[language] = true;
    this.start(language)
      .then((kernel) => {
        if (this.closed) void kernel.kill();
        else this.idle[language].push(kernel);
      })
      .catch(() => {
        // The next task that needs this language starts one itself and reports why it failed.
      })
      .finally(() => {
        this.warming[language] = false;
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle.python, ...this.idle.typescript];
    this.idle = { python: [], typescript: [] };
    await Promise.all(all.map((k) => k.kill()));
  }
}
