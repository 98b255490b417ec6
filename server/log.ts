// The server's own log lines (not task logs): one line each, time-stamped, with a level filter
// from PIPEBOOK_LOG_LEVEL.
import { getConfig } from "./config.ts";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

function write(level: Level, message: string, error?: unknown) {
  if (LEVELS[level] < LEVELS[getConfig().logLevel]) return;
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}`;
  const out = level === "error" || level === "warn" ? console.error : console.log;
  out(error instanceof Error && error.stack ? `${line}\n${error.stack}` : line);
}

export const log = {
  debug: (message: string) => write("debug", message),
  info: (message: string) => write("info", message),
  warn: (message: string, error?: unknown) => write("warn", message, error),
  error: (message: string, error?: unknown) => write("error", message, error),
};
