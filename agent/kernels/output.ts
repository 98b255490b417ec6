// Reading a task process's output as log lines, and the shapes a task's outcome takes.
import type { Readable } from "node:stream";
import { MAX_LOG_LINE, type TaskError } from "../../contract/agent-protocol.ts";
import { backpressure } from "../reporting/backpressure.ts";

export type OutputLine = {
  level: "debug" | "info" | "warning" | "error";
  message: string;
  at: Date;
};
export type TaskOutcome =
  | { ok: true; resultJson: string }
  /** A result larger than the inline limit, which the kernel wrote to this file. */
  | { ok: true; resultFile: string; sizeBytes: number }
  | { ok: false; error: TaskError };

/** A log line as the server can store it: cut when runaway, NUL characters replaced. */
export function clip(line: string): string {
  const cut = line.length > MAX_LOG_LINE ? `${line.slice(0, MAX_LOG_LINE - 20)}… (line cut)` : line;
  // PostgreSQL text cannot hold NUL, and a report holding one would be refused whole.
  return cut.includes("\u0000") ? cut.replaceAll("\u0000", "\ufffd") : cut;
}

/**
 * Splits a stream into lines, each stamped when it arrived. When `marker` is given, a line that
 * ends with it is the end of one task's output: the text before it (output without a final
 * newline) is a line of its own, and `onMarker` is called. Log streams cut runaway lines at
 * `maxLine`; the kernels' answer channel passes `maxLine: Infinity` (a result may be megabytes).
 * Log streams (not the answer channel) pause while the agent's reports are behind
 * (../reporting/backpressure.ts).
 */
export function readLines(
  stream: Readable,
  onLine: (line: string, at: Date) => void,
  options: { marker?: { text: string; onMarker: () => void }; maxLine?: number } = {},
): void {
  const maxLine = options.maxLine ?? MAX_LOG_LINE * 4;
  const marker = options.marker;
  const isLog = maxLine !== Infinity;
  // Chunks of the line being read; only new text is searched for a newline (a multi-megabyte
  // line arrives in hundreds of chunks).
  let parts: string[] = [];
  let length = 0;
  const emit = (line: string, at: Date) => {
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (marker && line.endsWith(marker.text)) {
      const before = line.slice(0, -marker.text.length);
      if (before) onLine(maxLine === Infinity ? before : clip(before), at);
      marker.onMarker();
      return;
    }
    onLine(maxLine === Infinity ? line : clip(line), at);
  };
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const at = new Date();
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf("\n", start)) >= 0) {
      parts.push(chunk.slice(start, newline));
      emit(parts.join(""), at);
      parts = [];
      length = 0;
      start = newline + 1;
    }
    if (start < chunk.length) {
      parts.push(chunk.slice(start));
      length += chunk.length - start;
      // A runaway line without newlines must not grow without end.
      if (length > maxLine) {
        emit(parts.join(""), at);
        parts = [];
        length = 0;
      }
    }
    if (isLog) backpressure.check(stream);
  });
  const flush = () => {
    if (parts.length) emit(parts.join(""), new Date());
    parts = [];
  };
  stream.on("end", flush);
  // Node's child pipes are socket pairs: a process killed while its pipe still held data (a
  // cancelled task's kernel) resets it, and the read fails with ECONNRESET. That is the end of
  // its output — the process's exit says what happened — not an error to crash the agent with
  // (an unhandled 'error' event did, in CI, under a cancelled mapped task).
  stream.on("error", flush);
}
