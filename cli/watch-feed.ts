// What `run --watch` prints, in the order it happened: a run's state changes (its history) and
// its log lines are two streams read separately, each in its own order, and merged here with
// watermarks. An item is let out only once the other stream is known to have moved past its
// time (or to be complete), so a log line never jumps ahead of an earlier state change, nor a
// state change ahead of the lines before it. The run's own final state comes last of all.
// Pure: the caller reads the server and feeds what it read, then prints what `take` gives.
//
// Why the watermarks hold: an agent stamps its state changes and log lines with one clock and
// reports them, in that order, in batches the server stores whole (one statement each). The
// caller reads the history first and the logs after it, so:
// - the logs read after a history read hold every line reported with or before any event of
//   that history: the logs have moved past the latest event time of that history;
// - a history read holds every event reported with or before the lines read before it: the
//   history has moved past the latest line time read before it.
// A log line therefore waits at most one poll when no state changes; a state change never waits.
import type { FlowRunHistoryResponse, LogLineView } from "../contract/api-v1.ts";
import { FINAL_FLOW_RUN_STATES } from "../contract/run-states.ts";

export type StateEvent = FlowRunHistoryResponse["events"][number];
export type FeedItem = { kind: "state"; event: StateEvent } | { kind: "log"; line: LogLineView };

/** `t`: the time as a UTC ISO string of fixed width, compared as text (Date.parse costs ~2 µs). */
type Timed<T> = { item: T; t: string };
const NEVER = "";
const sortable = (iso: string) =>
  iso.length === 24 && iso.endsWith("Z") ? iso : new Date(iso).toISOString();
const later = (a: string, b: string) => (a > b ? a : b);

const FINAL_FLOW_STATES: ReadonlySet<string> = new Set(FINAL_FLOW_RUN_STATES);
// At the same millisecond, a task starts before its first line and ends after its last one.
const STARTING_STATES = new Set(["Scheduled", "Pending", "Running", "Late", "Paused"]);

const eventKey = (e: StateEvent) =>
  `${e.task ?? ""}\u0001${e.item ?? ""}\u0001${e.from}\u0001${e.to}\u0001${e.attempt}\u0001${e.at}`;

export class WatchFeed {
  /** Events read but not yet let out, by time (stable: the server's order for equal times). */
  private events: Timed<StateEvent>[] = [];
  private lines: Timed<LogLineView>[] = [];
  private lineHead = 0;
  /** How many times each event was taken in, so that re-reading the history adds nothing. */
  private seen = new Map<string, number>();
  /** The run's final state while it is the run's latest event: let out after everything. */
  private final: Timed<StateEvent> | null = null;
  private latestRunEvent: Timed<StateEvent> | null = null;
  private historyUntil = NEVER;
  private logsUntil = NEVER;
  private latestEventTime = NEVER;
  private latestLineTime = NEVER;
  private historyDone = false;
  private logsDone = false;

  /**
   * A read of the run's history: the whole of it, or (`onlyNew`) what came after the previous
   * read's cursor. `complete` when the run was already final when it was read (the caller read
   * the run after the history and found it in the final state this history ends with).
   */
  addHistory(
    events: readonly StateEvent[],
    options: { complete: boolean; onlyNew?: boolean },
  ): void {
    // A final state held back by an earlier read goes back in line: the run may have moved on.
    if (this.final) this.events.push(this.final);
    this.final = null;
    const counts = new Map<string, number>();
    for (const event of events) {
      const key = eventKey(event);
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      if (!options.onlyNew) {
        if (count <= (this.seen.get(key) ?? 0)) continue;
        this.seen.set(key, count);
      }
      const timed = { item: event, t: sortable(event.at) };
      this.events.push(timed);
      this.latestEventTime = later(this.latestEventTime, timed.t);
      const latest = this.latestRunEvent;
      if (event.task === null && (!latest || timed.t >= latest.t)) this.latestRunEvent = timed;
    }
    // Only the run's latest event, when final, waits for the end; an earlier final state (a
    // Failed run queued again by its deployment's retries) is part of the story like any other.
    const latest = this.latestRunEvent;
    if (latest && FINAL_FLOW_STATES.has(latest.item.to) && this.events.includes(latest)) {
      this.events = this.events.filter((e) => e !== latest);
      this.final = latest;
    }
    this.events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
    this.historyUntil = later(this.historyUntil, later(this.latestEventTime, this.latestLineTime));
    this.historyDone = options.complete;
  }

  /**
   * A page of log lines, read after the history. `caughtUp` when no more lines were waiting
   * (the page was not full); `complete` when the server said there will be none (`next: null`).
   */
  addLogs(lines: readonly LogLineView[], options: { caughtUp: boolean; complete: boolean }): void {
    for (const line of lines) {
      const t = sortable(line.timestamp);
      this.lines.push({ item: line, t });
      if (t > this.latestLineTime) this.latestLineTime = t;
    }
    this.logsUntil = later(this.logsUntil, this.latestLineTime);
    if (options.caughtUp || options.complete) {
      this.logsUntil = later(this.logsUntil, this.latestEventTime);
    }
    if (options.complete) this.logsDone = true;
  }

  /** Whether both streams are complete: everything there is has been added. */
  get complete(): boolean {
    return this.historyDone && this.logsDone;
  }

  /** The items that can be printed now, in order; at the end, everything, the final state last. */
  take(): FeedItem[] {
    const out: FeedItem[] = [];
    let eventHead = 0;
    for (;;) {
      const event = this.events[eventHead];
      const line = this.lines[this.lineHead];
      if (event && (!line || eventFirst(event, line))) {
        if (!this.logsDone && event.t > this.logsUntil) break;
        out.push({ kind: "state", event: event.item });
        eventHead++;
      } else if (line) {
        if (!this.historyDone && line.t > this.historyUntil) break;
        out.push({ kind: "log", line: line.item });
        this.lineHead++;
      } else break;
    }
    if (eventHead) this.events = this.events.slice(eventHead);
    if (this.lineHead > 4096 || this.lineHead === this.lines.length) {
      this.lines = this.lines.slice(this.lineHead);
      this.lineHead = 0;
    }
    if (this.complete && this.final && this.events.length === 0) {
      out.push({ kind: "state", event: this.final.item });
      this.final = null;
    }
    return out;
  }
}

function eventFirst(event: Timed<StateEvent>, line: Timed<LogLineView>): boolean {
  if (event.t !== line.t) return event.t < line.t;
  return STARTING_STATES.has(event.item.to);
}
