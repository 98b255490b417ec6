// The "pipebook" module for TypeScript task cells:
//
//   import { logger } from "pipebook";
//   logger.info("fetched", n, "repositories");
//
// Lines logged here appear in the run's logs with their level (console.log lines are "info",
// console.error lines "warning").
import { format } from "node:util";

const kernel = () => globalThis[Symbol.for("pipebook.kernel")];

function emit(level, args) {
  const message = format(...args);
  const k = kernel();
  if (k) k.log(level, message);
  else process.stderr.write(`${level.toUpperCase()} ${message}\n`);
}

export const logger = {
  debug: (...args) => emit("debug", args),
  info: (...args) => emit("info", args),
  warn: (...args) => emit("warning", args),
  warning: (...args) => emit("warning", args),
  error: (...args) => emit("error", args),
};

const pipebook = { logger };
export default pipebook;
