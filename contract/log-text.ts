// A log line as text, the one format of the log download and `pipebook logs`:
//   2026-11-30T12:00:00.123Z extract#2 WARNING the message
// (`run` stands for the run's own lines, which have no task and no attempt; an item of a mapped
// task shows in brackets: `get_stars[7]#1`.)
import type { LogLineView } from "./api-v1.ts";

export function formatLogLine(line: LogLineView): string {
  const item = line.item === null || line.item === undefined ? "" : `[${line.item}]`;
  const who = line.task === null ? "run" : `${line.task}${item}#${line.attempt ?? 0}`;
  return `${line.timestamp} ${who} ${line.level.toUpperCase()} ${line.message}`;
}
