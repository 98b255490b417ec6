// Sends one run's events to the server in batches: whatever accumulated while the previous batch
// was in flight goes next, so a quiet run reports each event at once and a busy one batches by
// itself. Batches are numbered; a batch whose answer was lost is sent again with the same number
// (the server applies it once). While the server is unreachable, events wait in a bounded buffer.
//
// Log lines wait as compact blocks (consecutive lines of one task attempt and level), the form
// the protocol carries them in: a task printing as fast as it can is ~2 blocks per batch, not
// 20,000 objects to build, encode and validate.
import { storableCopy } from "../../contract/storable-json.ts";
import {
  MAX_EVENTS_PER_REPORT,
  MAX_LOG_LINES_PER_REPORT,
  type LogBlock,
  type ReportEvent,
} from "../../contract/agent-protocol.ts";
import type { AgentApi } from "../http/client.ts";
import { backpressure } from "./backpressure.ts";

export type ReporterHooks = {
  /** Someone asked to cancel the run (the server said so in a report's answer). */
  onCancel(): void;
  /** The lease is gone (the run was declared Crashed meanwhile): stop executing it. */
  onLeaseLost(message: string): void;
  /** Something to tell the person running the agent. */
  onWarning(message: string): void;
};

// Past this many waiting log lines, the oldest are dropped (state changes are always kept). The
// task output readers stop reading well before (backpressure.ts), unless the server has been
// away for a while: then this bound is what keeps the agent's memory in check.
const MAX_BUFFERED_LINES = 400_000;
// A batch also stops growing at this many bytes, well under the server's 10 MB body limit.
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000];
const MAX_CONFLICT_RETRIES = 5;

type Waiting =
  | { kind: "event"; event: ReportEvent }
  // Lines `from` onwards of `block` still wait (a batch may take part of a block).
  | { kind: "logs"; block: LogBlock; from: number };
// `lines` counts toward the protocol's limit; `queued` are those that came from the queue.
type Batch = { events: ReportEvent[]; logs: LogBlock[]; lines: number; queued: number };

export class RunReporter {
  private queue: Waiting[] = [];
  private queuedLines = 0;
  private inFlight: Batch | null = null;
  private seq = 0;
  private sending: Promise<void> | null = null;
  private droppedLogs = 0;
  private lost = false;
  /** The run was taken over; the server still stores this lease's log lines (late-logs). */
  private superseded = false;
  private sealed = false;
  private idleWaiters: (() => void)[] = [];
  // Lines of one output chunk share their timestamp: parse it once.
  private lastAt = { text: "", ms: 0 };

  constructor(
    private readonly api: AgentApi,
    private readonly flowRunId: string,
    private readonly leaseId: string,
    private readonly hooks: ReporterHooks,
  ) {}

  push(event: ReportEvent): void {
    if (this.lost || this.sealed) return;
    // What tasks produce is kept even when PostgreSQL cannot store it as is (a NUL character in
    // a line or a result): the server refuses such a batch, and the state in it was lost.
    if (event.type === "log") {
      const { message } = event;
      this.pushLine(
        message.includes("\u0000") ? { ...event, message: storableCopy(message) } : event,
      );
    } else this.queue.push({ kind: "event", event: storableCopy(event) });
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
    return this.lost || this.superseded;
  }

  private pushLine(event: Extract<ReportEvent, { type: "log" }>) {
    if (event.at !== this.lastAt.text) this.lastAt = { text: event.at, ms: Date.parse(event.at) };
    const at = this.lastAt.ms;
    const last = this.queue.at(-1);
    if (
      last?.kind === "logs" &&
      last.block.task === event.task &&
      last.block.item === event.item &&
      last.block.attempt === event.attempt &&
      last.block.level === event.level &&
      at >= last.block.at
    ) {
      last.block.lines.push(event.message);
      last.block.offsets.push(at - last.block.at);
    } else {
      this.queue.push({
        kind: "logs",
        from: 0,
        block: {
          task: event.task,
          ...(event.item !== undefined ? { item: event.item } : {}),
          attempt: event.attempt,
          level: event.level,
          at,
          offsets: [0],
          lines: [event.message],
        },
      });
    }
    this.countLines(1);
    if (this.queuedLines > MAX_BUFFERED_LINES) this.dropOldestLines();
  }

  private countLines(delta: number) {
    this.queuedLines += delta;
    backpressure.add(delta);
  }

  private dropOldestLines() {
    let excess = this.queuedLines - MAX_BUFFERED_LINES;
    for (const waiting of this.queue) {
      if (excess <= 0) break;
      if (waiting.kind !== "logs") continue;
      const take = Math.min(excess, waiting.block.lines.length - waiting.from);
      waiting.from += take;
      excess -= take;
      this.droppedLogs += take;
      this.countLines(-take);
    }
    this.queue = this.queue.filter((w) => w.kind === "event" || w.from < w.block.lines.length);
  }

  private nextBatch(): Batch {
    const batch: Batch = { events: [], logs: [], lines: 0, queued: 0 };
    if (this.droppedLogs) {
      batch.logs.push({
        task: null,
        attempt: null,
        level: "warning",
        at: Date.now(),
        offsets: [0],
        lines: [`${this.droppedLogs} log line(s) were dropped while the server was unreachable`],
      });
      batch.lines = 1;
      this.droppedLogs = 0;
    }
    let bytes = 0;
    let taken = 0;
    while (taken < this.queue.length) {
      const waiting = this.queue[taken]!;
      if (waiting.kind === "event") {
        if (batch.events.length >= MAX_EVENTS_PER_REPORT) break;
        const size = JSON.stringify(waiting.event).length;
        if (bytes && bytes + size > MAX_BATCH_BYTES) break;
        bytes += size;
        batch.events.push(waiting.event);
        taken++;
        continue;
      }
      const { block } = waiting;
      let end = waiting.from;
      while (
        end < block.lines.length &&
        batch.lines < MAX_LOG_LINES_PER_REPORT &&
        (bytes === 0 || bytes + block.lines[end]!.length + 8 <= MAX_BATCH_BYTES)
      ) {
        bytes += block.lines[end]!.length + 8;
        batch.lines++;
        batch.queued++;
        end++;
      }
      if (end > waiting.from) {
        const whole = waiting.from === 0 && end === block.lines.length;
        const offsets = whole ? block.offsets : block.offsets.slice(waiting.from, end);
        // The earliest line's time (a clock step back can make a later line's the earliest).
        let base = offsets[0]!;
        for (const offset of offsets) if (offset < base) base = offset;
        batch.logs.push({
          ...block,
          at: block.at + base,
          offsets: base ? offsets.map((o) => o - base) : offsets,
          lines: whole ? block.lines : block.lines.slice(waiting.from, end),
        });
      }
      if (end < block.lines.length) {
        // The batch is full inside this block: the rest waits for the next one.
        waiting.from = end;
        break;
      }
      taken++;
    }
    this.queue.splice(0, taken);
    return batch;
  }

  private async drain(): Promise<void> {
    // Let events pushed in the same tick join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (!this.lost && (this.inFlight || this.queue.length || this.droppedLogs)) {
      if (!this.inFlight) {
        this.inFlight = this.nextBatch();
        this.seq++;
      }
      await this.send(this.inFlight);
    }
    this.sending = null;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async send(batch: Batch): Promise<void> {
    const done = () => {
      this.inFlight = null;
      this.countLines(-batch.queued);
    };
    for (let attempt = 0; ; attempt++) {
      const result = await this.api.report(this.flowRunId, {
        leaseId: this.leaseId,
        seq: this.seq,
        events: batch.events,
        logs: batch.logs,
      });
      if (result.ok) {
        backpressure.reportFailing(this, false);
        done();
        if (result.data.cancel) this.hooks.onCancel();
        return;
      }
      if (result.code === "lease_lost" && result.lateLogsStored) {
        // Taken over, but the server keeps the lines: stop the task (once), and send the rest
        // of what waits here — printed, most of it, while the link was down.
        backpressure.reportFailing(this, false);
        done();
        if (!this.superseded) {
          this.superseded = true;
          this.sealed = true;
          this.hooks.onLeaseLost(result.error);
        }
        return;
      }
      if (result.code === "lease_lost" || result.status === 404) {
        backpressure.reportFailing(this, false);
        this.lost = true;
        done();
        this.countLines(-this.queuedLines);
        this.queue = [];
        this.hooks.onLeaseLost(result.error);
        return;
      }
      // 409: the run changed while the server applied the batch ("send it again"); it was not
      // applied, and the next attempt either applies it or says the lease is gone. Bounded, so a
      // conflict that never clears (a bug) falls through to the refusal below, not a loop.
      const conflictRetry = result.status === 409 && attempt < MAX_CONFLICT_RETRIES;
      if (!result.retryable && !conflictRetry) {
        // The server refused the batch as malformed: a bug, on one side or the other. Keep going
        // with the next batch rather than block the run forever; say so loudly.
        this.hooks.onWarning(
          `the server refused a report of run ${this.flowRunId}: ${result.error}`,
        );
        done();
        // Not applied, so the next batch takes its number.
        this.seq--;
        return;
      }
      backpressure.reportFailing(this, true);
      const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
      if (attempt === 3)
        this.hooks.onWarning(`reports of run ${this.flowRunId} are waiting: ${result.error}`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
