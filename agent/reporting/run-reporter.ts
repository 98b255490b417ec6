// Sends one run's events to the server in batches: whatever accumulated while the previous batch
// was in flight goes next, so a quiet run reports each event at once and a busy one batches by
// itself. Batches are numbered; a batch whose answer was lost is sent again with the same number
// (the server applies it once). While the server is unreachable, events wait in a bounded buffer.
import { MAX_EVENTS_PER_REPORT, type ReportEvent } from "../../contract/agent-protocol.ts";
import type { AgentApi } from "../http/client.ts";

export type ReporterHooks = {
  /** Someone asked to cancel the run (the server said so in a report's answer). */
  onCancel(): void;
  /** The lease is gone (the run was declared Crashed meanwhile): stop executing it. */
  onLeaseLost(message: string): void;
  /** Something to tell the person running the agent. */
  onWarning(message: string): void;
};

// Past this many waiting events (the server away for long), log lines are dropped first; state
// changes are always kept. ~50 MB of typical log lines.
const MAX_BUFFERED_EVENTS = 200_000;
// A batch also stops growing at this many bytes, well under the server's 10 MB body limit.
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000];

export class RunReporter {
  private queue: ReportEvent[] = [];
  private inFlight: ReportEvent[] | null = null;
  private seq = 0;
  private sending: Promise<void> | null = null;
  private droppedLogs = 0;
  private lost = false;
  private sealed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly api: AgentApi,
    private readonly flowRunId: string,
    private readonly leaseId: string,
    private readonly hooks: ReporterHooks,
  ) {}

  push(event: ReportEvent): void {
    if (this.lost || this.sealed) return;
    this.queue.push(event);
    if (this.queue.length > MAX_BUFFERED_EVENTS) this.dropOldestLogs();
    this.sending ??= this.drain();
  }

  /** Resolves once every event pushed so far is acknowledged (or the lease is lost). */
  async flushed(): Promise<void> {
    if (!this.sending && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Takes no more events; those already pushed are still sent. For a run the agent stops without
   * finishing it (shutdown, lost lease): what it says afterwards would not be true.
   */
  seal(): void {
    this.sealed = true;
  }

  get leaseLost(): boolean {
    return this.lost;
  }

  private dropOldestLogs() {
    const excess = this.queue.length - MAX_BUFFERED_EVENTS;
    let dropped = 0;
    this.queue = this.queue.filter((e) => {
      if (dropped < excess && e.type === "log") {
        dropped++;
        return false;
      }
      return true;
    });
    this.droppedLogs += dropped;
  }

  private nextBatch(): ReportEvent[] {
    const batch: ReportEvent[] = [];
    if (this.droppedLogs) {
      batch.push({
        type: "log",
        task: null,
        attempt: null,
        level: "warning",
        message: `${this.droppedLogs} log line(s) were dropped while the server was unreachable`,
        at: new Date().toISOString(),
      });
      this.droppedLogs = 0;
    }
    let bytes = 0;
    while (this.queue.length && batch.length < MAX_EVENTS_PER_REPORT) {
      const event = this.queue[0]!;
      const size = event.type === "log" ? event.message.length + 100 : JSON.stringify(event).length;
      if (batch.length && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      batch.push(this.queue.shift()!);
    }
    return batch;
  }

  private async drain(): Promise<void> {
    // Let events pushed in the same tick join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (!this.lost && (this.inFlight || this.queue.length)) {
      if (!this.inFlight) {
        this.inFlight = this.nextBatch();
        this.seq++;
      }
      await this.send(this.inFlight);
    }
    this.sending = null;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async send(events: ReportEvent[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.api.report(this.flowRunId, {
        leaseId: this.leaseId,
        seq: this.seq,
        events,
      });
      if (result.ok) {
        this.inFlight = null;
        if (result.data.cancel) this.hooks.onCancel();
        return;
      }
      if (result.code === "lease_lost" || result.status === 404) {
        this.lost = true;
        this.queue = [];
        this.inFlight = null;
        this.hooks.onLeaseLost(result.error);
        return;
      }
      if (!result.retryable) {
        // The server refused the batch as malformed: a bug, on one side or the other. Keep going
        // with the next batch rather than block the run forever; say so loudly.
        this.hooks.onWarning(
          `the server refused a report of run ${this.flowRunId}: ${result.error}`,
        );
        this.inFlight = null;
        // Not applied, so the next batch takes its number.
        this.seq--;
        return;
      }
      const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
      if (attempt === 3)
        this.hooks.onWarning(`reports of run ${this.flowRunId} are waiting: ${result.error}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
