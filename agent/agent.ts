// The agent's life: register, then two loops that never overlap themselves and never die on an
// error (they log, back off and go on) — the claim long-poll, which starts each run it gets,
// and the heartbeat, which renews leases and hears about cancels. SIGTERM: stop claiming, let
// running runs finish for a grace period, hand back what did not start, exit; a second signal
// kills the tasks and exits at once.
import os from "node:os";
import type { ClaimedRun, EnvironmentLock } from "../contract/agent-protocol.ts";
import type { AgentConfig } from "./config.ts";
import type { EventSink } from "./executor/events.ts";
import type { FlowEnd } from "./executor/run-flow.ts";
import { gatheredCacheLookup } from "./http/cache-lookups.ts";
import type { AgentApi, Failure } from "./http/client.ts";
import { log } from "./log.ts";
import { RunReporter } from "./reporting/run-reporter.ts";
import { RunStorage } from "./storage/run-storage.ts";
import type { Runner } from "./runners/runner.ts";

export const AGENT_VERSION = "0.1.0";

type ActiveRun = {
  run: ClaimedRun;
  controller: AbortController;
  reporter: RunReporter;
  started: boolean;
  done: Promise<void>;
};

export type Runners = { process: Runner; docker: Runner; dask: Runner };

const BACKOFF_MS = [250, 500, 1_000, 2_000, 4_000, 5_000];
const backoff = (failures: number) => BACKOFF_MS[Math.min(failures - 1, BACKOFF_MS.length - 1)]!;
/**
 * Sends each lock a run's builds resolved to the server once; a lock that does not arrive is
 * sent again by the next run that builds or finds the environment without one.
 */
function lockReporter(api: AgentApi, run: ClaimedRun) {
  const sent = new Set<string>();
  return (specHash: string, lock: EnvironmentLock) => {
    if (sent.has(specHash)) return;
    sent.add(specHash);
    void api.lock(run.flowRunId, { leaseId: run.leaseId, specHash, lock }).then((answer) => {
      if (!answer.ok)
        log(`run ${run.flowRunId}: could not record the dependency lock: ${answer.error}`);
    });
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Agent {
  private id = "";
  private heartbeatIntervalMs = 5_000;
  private claimWaitMs = 25_000;
  private active = new Map<string, ActiveRun>();
  private stopping = false;
  private stopped = false;
  private claimAbort = new AbortController();
  private heartbeatAbort = new AbortController();
  private slotWaiters: (() => void)[] = [];
  private exitCode = 0;
  /** Whether the last call to the server failed: lost and regained contact is said once each. */
  private unreachable = false;

  constructor(
    private readonly config: AgentConfig,
    private readonly api: AgentApi,
    private readonly runners: Runners,
  ) {}

  /** Runs until stopped; resolves with the process's exit code. */
  async run(): Promise<number> {
    if (!(await this.register())) return this.exitCode;
    const heartbeats = this.heartbeatLoop();
    await this.claimLoop();
    await this.drain();
    this.stopped = true;
    this.heartbeatAbort.abort();
    await heartbeats;
    return this.exitCode;
  }

  private async register(): Promise<boolean> {
    for (let failures = 1; !this.stopping; failures++) {
      const result = await this.api.register({
        name: this.config.name,
        hostname: os.hostname(),
        version: AGENT_VERSION,
        queues: this.config.queues,
        tags: this.config.tags,
        concurrency: this.config.concurrency,
      });
      if (result.ok) {
        this.id = result.data.id;
        this.heartbeatIntervalMs = result.data.heartbeatIntervalMs;
        this.claimWaitMs = result.data.claimWaitMs;
        log(
          `connected to ${this.config.apiUrl} as agent ${this.id} (${this.config.name}); ` +
            `queues: ${this.config.queues.join(", ")}; tags: ${this.config.tags.join(", ") || "none"}; ` +
            `up to ${this.config.concurrency} run(s) at once`,
        );
        return true;
      }
      if (this.fatal(result)) return false;
      const delay = backoff(failures);
      log(
        `cannot register with ${this.config.apiUrl}: ${result.error}; retrying in ${delay / 1000} s`,
      );
      await sleep(delay);
    }
    return false;
  }

  /** A refused key or a protocol mismatch will not get better by waiting: stop with a clear word. */
  private fatal(result: Failure): boolean {
    if (result.status === 401 || result.status === 403) {
      log(`the server refused this agent's API key: ${result.error}`);
    } else if (!result.retryable && result.status === 400 && !this.id) {
      log(`the server refused to register this agent: ${result.error}`);
    } else return false;
    this.exitCode = 1;
    this.stopping = true;
    return true;
  }

  private async claimLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const capacity = this.config.concurrency - this.active.size;
      if (capacity <= 0) {
        await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
        continue;
      }
      this.claimAbort = new AbortController();
      const result = await this.api.claim(
        this.id,
        capacity,
        this.claimWaitMs,
        this.claimAbort.signal,
      );
      if (this.stopping) return;
      if (!result.ok) {
        if (this.fatal(result)) return;
        if (result.status === 404 || result.code === "invalid_state") {
          // The server no longer knows this agent (its database was reset): introduce ourselves again.
          log(`the server forgot this agent (${result.error}); registering again`);
          if (!(await this.register())) return;
          continue;
        }
        failures++;
        this.lostContact(result.error);
        await sleep(backoff(failures));
        continue;
      }
      this.regainedContact();
      failures = 0;
      for (const run of result.data.runs) this.start(run);
    }
  }

  private lostContact(error: string): void {
    if (this.unreachable) return;
    this.unreachable = true;
    log(`lost the server: ${error}; retrying (running tasks go on; their reports wait)`);
  }

  private regainedContact(): void {
    if (!this.unreachable) return;
    this.unreachable = false;
    log("reconnected to the server");
  }

  private start(run: ClaimedRun): void {
    const controller = new AbortController();
    const reporter = new RunReporter(this.api, run.flowRunId, run.leaseId, {
      onCancel: () => controller.abort("cancel"),
      onLeaseLost: (message) => {
        log(`run ${run.flowRunId}: ${message}`);
        this.interrupt(entry, "lost");
      },
      onWarning: log,
    });
    const entry: ActiveRun = { run, controller, reporter, started: false, done: Promise.resolve() };
    const sink: EventSink = {
      push: (event) => {
        if (event.type === "flow" && event.state === "Running") entry.started = true;
        reporter.push(event);
      },
    };
    const runner =
      run.runner.kind === "docker"
        ? this.runners.docker
        : run.runner.kind === "dask"
          ? this.runners.dask
          : this.runners.process;
    const started = Date.now();
    log(
      `claimed run ${run.flowRunId}: flow ${run.flow.name} v${run.flow.version}, deployment ${run.deployment.name}${run.attempt > 1 ? ` (attempt ${run.attempt})` : ""}`,
    );
    entry.done = runner
      .execute({
        run,
        sink,
        signal: controller.signal,
        cacheLookup: gatheredCacheLookup(this.api, run.flowRunId, run.leaseId),
        reportLock: lockReporter(this.api, run),
        storage: (dir) => new RunStorage(this.api, run.flowRunId, run.leaseId, dir),
        // The run token stays in this process: tasks get the values, never the token.
        taskContext: async (task) => {
          if (!run.runToken) {
            return { ok: false, error: "the server sent no run token with this run (upgrade it)" };
          }
          const answer = await this.api.taskContext(run.runToken, task);
          return answer.ok
            ? { ok: true, context: answer.data }
            : { ok: false, error: answer.error };
        },
      })
      .then(async (end: FlowEnd) => {
        await reporter.flushed();
        const how = reporter.leaseLost ? "abandoned (lease lost)" : end;
        log(`run ${run.flowRunId} ${how} in ${((Date.now() - started) / 1000).toFixed(2)} s`);
      })
      .catch((error: unknown) =>
        log(`run ${run.flowRunId} failed inside the agent: ${(error as Error).stack ?? error}`),
      )
      .finally(() => {
        this.active.delete(run.flowRunId);
        for (const resolve of this.slotWaiters.splice(0)) resolve();
      });
    this.active.set(run.flowRunId, entry);
  }

  private async heartbeatLoop(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const runs = [...this.active.keys()];
      const result = await this.api.heartbeat(
        this.id,
        runs,
        this.heartbeatIntervalMs,
        this.heartbeatAbort.signal,
      );
      if (this.stopped) return;
      if (!result.ok) {
        failures++;
        if (result.retryable) this.lostContact(result.error);
        // Quick retries: leases ride on these.
        await sleep(Math.min(backoff(failures), 2_000));
        continue;
      }
      this.regainedContact();
      failures = 0;
      for (const { flowRunId, status } of result.data.runs) {
        const entry = this.active.get(flowRunId);
        if (!entry || entry.controller.signal.aborted) continue;
        if (status === "cancel") {
          log(`run ${flowRunId}: cancel requested; stopping its tasks`);
          entry.controller.abort("cancel");
        } else if (status === "lost") {
          log(`run ${flowRunId}: the server no longer holds its lease for this agent; stopping it`);
          this.interrupt(entry, "lost");
        }
      }
    }
  }

  /**
   * Stops a run's tasks without reporting an ending: the run was not cancelled — its lease is
   * gone, or this agent is leaving; the server decides (Crashed, retried, or handed on).
   */
  private interrupt(entry: ActiveRun, reason: "lost" | "shutdown"): void {
    entry.reporter.seal();
    entry.controller.abort(reason);
  }

  /** Second signal: kill every task now (the server will see the leases end). */
  kill(): void {
    for (const entry of this.active.values()) this.interrupt(entry, "shutdown");
  }

  /** First SIGTERM: stop claiming and let running runs finish within the grace period. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.claimAbort.abort();
    for (const resolve of this.slotWaiters.splice(0)) resolve();
    const running = this.active.size;
    log(
      running
        ? `stopping: no new runs; ${running} running run(s) may finish within ${this.config.gracePeriodMs / 1000} s (signal again to stop at once)`
        : "stopping",
    );
  }

  private async drain(): Promise<void> {
    const unstarted = [...this.active.values()].filter((a) => !a.started);
    for (const entry of unstarted) this.interrupt(entry, "shutdown");
    const finished = Promise.all([...this.active.values()].map((a) => a.done));
    const timedOut = await Promise.race([
      finished.then(() => false),
      sleep(this.config.gracePeriodMs).then(() => true),
    ]);
    if (timedOut) {
      log(`grace period over: stopping ${this.active.size} run(s) that are still running`);
      for (const entry of this.active.values()) this.interrupt(entry, "shutdown");
      await Promise.race([finished, sleep(5_000)]);
    }
    if (this.id) {
      const result = await this.api.stop(
        this.id,
        unstarted.map((a) => a.run.flowRunId),
      );
      if (result.ok && result.data.released.length) {
        log(`handed ${result.data.released.length} unstarted run(s) back to their queue`);
      }
    }
  }
}
