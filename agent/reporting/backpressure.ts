// Backpressure from the reports to the tasks' output: when an agent's reporters hold more log
// lines than the server has taken, the output readers stop reading (the pipes fill and a task's
// next print waits) until the reports catch up. So a task printing faster than the server
// stores, or printing while the server is away, loses no line and the agent's memory stays
// bounded (~20 MB of typical lines). One gate for the agent: its memory is what is bounded.
//
// While the server is away, though, holding the output back would freeze every printing task
// (and time out those with a timeout) for as long as the outage lasts: once reports have failed
// for OUTAGE_MS, the gate opens and each run's reporter keeps a bounded buffer instead, dropping
// its oldest lines past it (and saying how many) — DESIGN.md's bounded buffer. It closes again
// when the reports get through.
import type { Readable } from "node:stream";

// Reading stops past HIGH waiting lines and starts again below LOW: ~5 reports of 20,000 lines.
const HIGH = 100_000;
const LOW = 40_000;
const OUTAGE_MS = 5_000;

export class Backpressure {
  private waiting = 0;
  private held = new Set<Readable>();
  // Per reporter whose reports fail: since when.
  private failing = new Map<object, number>();
  private open = false;

  /** More (or, negative, fewer) log lines wait in the agent's reporters. */
  add(delta: number): void {
    this.waiting += delta;
    if (this.waiting < LOW) this.releaseAll();
  }

  /** A reporter's report failed (true) or got through (false). */
  reportFailing(reporter: object, failing: boolean): void {
    if (!failing) {
      this.failing.delete(reporter);
      if (this.failing.size === 0) this.open = false;
      return;
    }
    const since = this.failing.get(reporter) ?? Date.now();
    this.failing.set(reporter, since);
    if (!this.open && Date.now() - since >= OUTAGE_MS) {
      this.open = true;
      this.releaseAll();
    }
  }

  private releaseAll() {
    if (!this.held.size) return;
    const streams = [...this.held];
    this.held.clear();
    for (const stream of streams) stream.resume();
  }

  /** Called by an output reader after each chunk: pauses the stream while reports are behind. */
  check(stream: Readable): void {
    if (!this.open && this.waiting >= HIGH && !this.held.has(stream)) {
      stream.pause();
      this.held.add(stream);
    }
  }

  get waitingLines(): number {
    return this.waiting;
  }
}

export const backpressure = new Backpressure();
