// Reading a task process's output as log lines, and the shapes a task's outcome takes.
import type { Readable } from "node:stream";
import { MAX_LOG_LINE, type TaskError } from "../../contract/agent-protocol.ts";

export type OutputLine = {
  level: "debug" | "info" | "warning" | "error";
  message: string;
  at: Date;
};
export type TaskOutcome = { ok: true; resultJson: string } | { ok: false; error: TaskError };

export function clip(line: string): string {
  return line.length > MAX_LOG_LINE ? `${line.slice(0, MAX_LOG_LINE - 20)}… (line cut)` : line;
}

/**
 * Splits a stream into lines, each stamped when it arrived. When `marker` is given, a line that
 * ends with it is the end of one task's output: the text before it (output without a final
 * newline) is a line of its own, and `onMarker` is called.
 */
export function readLines(
  stream: Readable,
  onLine: (line: string, at: Date) => void,
  marker?: { text: string; onMarker: () => void },
): void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const at = new Date();
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      let line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (marker && line.endsWith(marker.text)) {
        const before = line.slice(0, -marker.text.length);
        if (before) onLine(clip(before), at);
        marker.onMarker();
        continue;
      }
      onLine(clip(line), at);
    }
    // A runaway line without newlines must not grow without end.
    if (pending.length > MAX_LOG_LINE * 4) {
      onLine(clip(pending), at);
      pending = "";
    }
  });
  stream.on("end", () => {
    if (pending) onLine(clip(pending), new Date());
    pending = "";
  });
}
