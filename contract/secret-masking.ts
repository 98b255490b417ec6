// Masking: a secret's value becomes *** wherever a run would store it — its log lines, results,
// state messages and errors. Pure, and shared: the server masks every report of a run that
// declared secrets (server/secrets/run-masks.ts knows which values a run holds), and the agent
// masks a task's output before sending it when that task holds secrets.
//
// Besides the value itself, each of its lines is masked (a multi-line value — a PEM key — reaches
// the log one line at a time) and so is its JSON-escaped form (a task printing json.dumps of it).
// Cost: one combined regular expression over each line. A 20,000-line report (~70-character
// lines, two secrets, nothing to mask) takes 2.2–5.6 ms to check on the 2-core build machine
// under load (contract/secret-masking.test.ts prints it), against ~190 ms to store those lines;
// a run that declared no secret skips this entirely.
import type { LogBlock, ReportEvent, ReportRequest } from "./agent-protocol.ts";
import { MASK } from "./secrets.ts";

/** A line of a multi-line value shorter than this is not masked on its own (it would be noise). */
const MIN_LINE = 4;

export class Masker {
  /** One search for every form of every value; longest first, so a whole value wins over a line of it. */
  private readonly pattern: RegExp;
  private readonly everywhere: RegExp;

  private constructor(needles: Set<string>) {
    const source = [...needles]
      .sort((a, b) => b.length - a.length)
      .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("|");
    this.pattern = new RegExp(source);
    this.everywhere = new RegExp(source, "g");
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
    return this.pattern.test(text);
  }

  text(text: string): string {
    return this.hits(text) ? text.replace(this.everywhere, MASK) : text;
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
    // A block without any value is passed on as it is (the usual case, and the cheap one).
    if (!block.lines.some((line) => this.hits(line))) return block;
    return { ...block, lines: block.lines.map((line) => this.text(line)) };
  }

  private event(event: ReportEvent): ReportEvent {
    switch (event.type) {
      case "log":
        return { ...event, message: this.text(event.message) };
      case "map":
        return { ...event, previews: event.previews.map((p) => this.text(p)) };
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
