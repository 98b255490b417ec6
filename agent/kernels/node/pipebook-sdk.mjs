// The "pipebook" module for TypeScript task cells:
//
//   import { logger, secret, variable } from "pipebook";
//   logger.info("fetched", n, "repositories");
//   const token = secret("GITHUB_TOKEN");   // the task declares secrets: [GITHUB_TOKEN]
//   const repos = variable("REPOS");        // the task declares variables: [REPOS]
//   saveArtifact("report.html", html);       // uploaded with the attempt's artifacts
//
// Lines logged here appear in the run's logs with their level (console.log lines are "info",
// console.error lines "warning"). A secret's value is masked as *** in stored logs and results.
import fs from "node:fs";
import path from "node:path";
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

function declared(kind, name) {
  const k = kernel();
  if (!k) {
    // Outside Pipebook (trying a cell on one's own machine): the environment variable.
    const value = process.env[name];
    if (value === undefined) {
      throw notDeclared(
        `${name} is not set: outside a Pipebook task, ${kind}() reads the environment variable of that name`,
      );
    }
    return value;
  }
  if (!k.task) throw notDeclared(`${kind}("${name}") was called when no task was running`);
  const values = k.context?.[`${kind}s`] ?? {};
  if (!Object.hasOwn(values, name)) {
    throw notDeclared(
      `task "${k.task}" does not declare ${kind} "${name}": add it to the task in the flow file (${kind}s: [${name}]); a task reads only the ${kind}s it declares`,
    );
  }
  return values[name];
}

function notDeclared(message) {
  return Object.assign(new Error(message), { name: "NotDeclaredError" });
}

/** The value of a secret the task declares (`secrets: [NAME]` in the flow file). */
export const secret = (name) => declared("secret", name);

/** The value of a variable the task declares (`variables: [NAME]`): any JSON value. */
export const variable = (name) => declared("variable", name);

/**
 * Saves an artifact of the running attempt into $PIPEBOOK_ARTIFACTS (uploaded to the run's
 * storage when the attempt ends): `data` is the content (a string is written as UTF-8, bytes as
 * they are) or `{ path }`, a file to copy. `name` may hold folders ("plots/loss.png"). Outside
 * Pipebook it writes to ./artifacts. Returns the file's path.
 */
export function saveArtifact(name, data) {
  if (
    typeof name !== "string" ||
    !name ||
    name.length > 255 ||
    name.includes("\\") ||
    name.split("/").some((part) => part === "" || part === "." || part === "..")
  ) {
    throw new Error(
      `saveArtifact(${JSON.stringify(name)}): the name is a relative path without "." or ".." parts, at most 255 characters`,
    );
  }
  const dir = process.env.PIPEBOOK_ARTIFACTS || path.resolve("artifacts");
  const file = path.join(dir, ...name.split("/"));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (data && typeof data === "object" && "path" in data && typeof data.path === "string") {
    fs.copyFileSync(data.path, file);
  } else if (typeof data === "string" || data instanceof Uint8Array) {
    fs.writeFileSync(file, data);
  } else {
    throw new TypeError(
      `saveArtifact(${JSON.stringify(name)}): the data is a string, bytes (Uint8Array, Buffer) or { path } of a file to copy`,
    );
  }
  return file;
}

const pipebook = { logger, secret, variable, saveArtifact };
export default pipebook;
