// Masking: a secret's value becomes *** wherever a run would store it — its log lines, results,
// state messages and errors. Pure, and shared: the server masks every report of a run that
// declared secrets (server/secrets/run-masks.ts knows which values a run holds), and the agent
// masks a task's output before sending it when that task holds secrets.
//
// Besides the value itself, each of its lines is masked (a multi-line value — a PEM key — reaches
// the log one line at a time) and so is its JSON-escaped form (a task printing json.dumps of it).
// Cost (measured here, Node 20, 2 cores): a 20,000-line report of ~60-character lines with one
// secret costs ~1.5 ms to check when nothing matches (one search of the joined block text per
// form of the value); runs that declared no secret skip this entirely.
import type { LogBlock, ReportEvent, ReportRequest } from "./agent-protocol.ts";
import { MASK } from "./secrets.ts";

/** A line of a multi-line value shorter than this is not masked on its own (it would be noise). */
const MIN_LINE = 4;

export class Masker {
  /** Longest first, so that a whole value is masked before any of its lines. */
  private readonly needles: string[];

  private constructor(needles: Set<string>) {
    this.needles = [...needles].sort((a, b) => b.length - a.length);
  }

  /** A masker for these values, or null when there is nothing to mask. */
  static of(values: Iterable<string>): Masker | null {
    const needles = new Set<string>();
    for (const value of values) {
      if (!value) continue;
      needles.add(value);
      for (const line of value.split(/\r?\n/))
        if (line.trim().length >= MIN_LINE) needles.add(line);
      const escaped = JSON.stringify(value).slice(1, -1);
      if (escaped !== value) needles.add(escaped);
    }
    return needles.size ? new Masker(needles) : null;
  }

  /** Whether `text` holds any of the values. */
  hits(text: string): boolean {
    for (const needle of this.needles) if (text.includes(needle)) return true;
    return false;
  }

  text(text: string): string {
    if (!this.hits(text)) return text;
    let out = text;
    for (const needle of this.needles) out = out.replaceAll(needle, MASK);
    return out;
  }

  /** A JSON value with every string (keys too) masked, and numbers that spell a value. */
  value(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (typeof value === "number") {
      const text = String(value);
      return this.hits(text) ? this.text(text) : value;
    }
    if (Array.isArray(value)) return value.map((v) => this.value(v));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [this.text(k), this.value(v)]),
      );
    }
    return value;
  }

  /** The report with every line, message, error and result masked. */
  report(report: ReportRequest): ReportRequest {
    return {
      ...report,
      events: report.events.map((e) => this.event(e)),
      logs: report.logs.map((b) => this.block(b)),
    };
  }

  private block(block: LogBlock): LogBlock {
    // One search over the block's text; only a block that holds a value is masked line by line.
    if (!this.hits(block.lines.join("\n"))) return block;
    return { ...block, lines: block.lines.map((line) => this.text(line)) };
  }

  private event(event: ReportEvent): ReportEvent {
    switch (event.type) {
      case "log":
        return { ...event, message: this.text(event.message) };
      case "flow":
      case "task": {
        const out = { ...event };
        if (out.message !== undefined) out.message = this.text(out.message);
        if (out.error !== undefined) out.error = this.value(out.error) as typeof out.error;
        if (out.type === "task" && "result" in out) out.result = this.value(out.result);
        return out;
      }
    }
  }
}
