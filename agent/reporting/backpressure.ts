// Backpressure from the reports to the tasks' output: when an agent's reporters hold more log
// lines than the server has taken, the output readers stop reading (the pipes fill and a task's
// next print waits) until the reports catch up. So a task printing faster than the server
// stores, or printing while the server is away, loses no line and the agent's memory stays
// bounded (~20 MB of typical lines). One gate for the agent: its memory is what is bounded.
import type { Readable } from "node:stream";

// Reading stops past HIGH waiting lines and starts again below LOW: ~5 reports of 20,000 lines.
const HIGH = 100_000;
const LOW = 40_000;

class Backpressure {
  private waiting = 0;
  private held = new Set<Readable>();

  /** More (or, negative, fewer) log lines wait in the agent's reporters. */
  add(delta: number): void {
    this.waiting += delta;
    if (this.waiting < LOW && this.held.size) {
      const streams = [...this.held];
      this.held.clear();
      for (const stream of streams) stream.resume();
    }
  }

  /** Called by an output reader after each chunk: pauses the stream while reports are behind. */
  check(stream: Readable): void {
    if (this.waiting >= HIGH && !this.held.has(stream)) {
      stream.pause();
      this.held.add(stream);
    }
  }

  get waitingLines(): number {
    return this.waiting;
  }
}

export const backpressure = new Backpressure();
