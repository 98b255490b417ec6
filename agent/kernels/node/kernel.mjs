// Pipebook's Node kernel: one warm Node process that runs TypeScript cells (compiled to
// JavaScript when their flow version was saved) one after another, so a task pays no process
// start-up. Commands arrive as JSON lines on fd 3, answers leave as JSON lines on fd 4; the
// task's console output is this process's stdout and stderr (the task's logs), each closed by a
// marker line after the task so the agent knows all of its output has arrived.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

const MARK = `\u0000${process.env.PIPEBOOK_KERNEL_MARK}\n`;
delete process.env.PIPEBOOK_KERNEL_MARK;

function send(message) {
  fs.writeSync(4, `${JSON.stringify(message)}\n`);
}

// The "pipebook" module's logger reaches the agent through this, and its secret() and variable()
// read the running task's declared secrets and variables from it.
const kernelApi = {
  log(level, message) {
    send({ type: "log", level, message: String(message) });
  },
  task: null,
  context: null,
};
globalThis[Symbol.for("pipebook.kernel")] = kernelApi;

// If the agent dies (even by SIGKILL), take this kernel and whatever its task started along. A
// worker thread watches, because a busy task would keep the main thread from ever looking.
new Worker(
  `const { workerData } = require("node:worker_threads");
   setInterval(() => {
     if (process.ppid !== workerData) {
       try { process.kill(-process.pid, "SIGKILL"); } catch { process.kill(process.pid, "SIGKILL"); }
     }
   }, 500);`,
  { eval: true, workerData: process.ppid },
)
  // The watcher is a safety net: its failure must never take the kernel down.
  .on("error", () => {})
  .unref();

// A promise a task forgot to await must not take the kernel down with it.
process.on("unhandledRejection", (reason) => {
  process.stderr.write(`unhandled promise rejection: ${reason?.stack ?? reason}\n`);
});

const KERNEL_URL = import.meta.url;

/**
 * A task's stack trace as its author reads it: the cell named `<task NAME>` with the lines of
 * its TypeScript (through the source map), and none of this kernel's frames below it.
 */
function taskStack(stack, command) {
  const label = `<task ${command.task}>`;
  const dir = path.dirname(command.file);
  // Longest first: the module's URL contains its directory.
  const names = [
    pathToFileURL(command.file).href,
    command.file,
    path.join(dir, `${command.task}.ts`),
  ];
  const lines = stack.split("\n").map((line) => {
    for (const name of names) line = line.replaceAll(name, label);
    return line;
  });
  const isFrame = (line) => /^\s+at /.test(line);
  const last = lines.findLastIndex((line) => isFrame(line) && line.includes(label));
  if (last >= 0) return lines.slice(0, last + 1).join("\n");
  // No frame of the task (it failed while being loaded): keep what is not the kernel's.
  return lines
    .filter(
      (line) =>
        !isFrame(line) || !(line.includes(KERNEL_URL) || line.includes("node:internal/modules/")),
    )
    .join("\n");
}

function describe(error, command) {
  if (error instanceof Error) {
    return {
      type: error.name || "Error",
      message: error.message || String(error),
      traceback: typeof error.stack === "string" ? taskStack(error.stack, command) : undefined,
    };
  }
  return { type: "Error", message: `the task threw ${JSON.stringify(error) ?? String(error)}` };
}

/**
 * Undoes what the task (and its command's env) changed in process.env, and only that: setting
 * all of it back after every task cost more than a trivial task itself (measured: most of a
 * 10,000-item fan-out's time).
 */
function restoreEnvironment(saved) {
  const current = { ...process.env };
  for (const key of Object.keys(current)) if (!(key in saved)) delete process.env[key];
  for (const [key, value] of Object.entries(saved)) {
    if (current[key] !== value) process.env[key] = value;
  }
}

// Modules by file: a mapped task's items all call one module, and import() of a module already
// loaded still goes through the loader's resolution (measured: most of a trivial item's time).
const modules = new Map();

async function loadModule(file) {
  let loaded = modules.get(file);
  if (!loaded) {
    loaded = await import(pathToFileURL(file).href);
    // Each attempt of a task that is not mapped has a file of its own: keep only a few.
    if (modules.size >= 64) modules.clear();
    modules.set(file, loaded);
  }
  return loaded;
}

// The inputs common to a mapped task's items, as its lane's first item sent them (see
// agent/kernels/kernel-lane.ts): later items send only their own values and `shared: {id}`.
let shared = { id: null, values: {} };

function inputsOf(command) {
  const inputs = sharedInputsOf(command);
  // Large upstream results come as files (the agent never holds them): read here, in the task.
  if (!command.inputFiles) return inputs;
  const out = { ...inputs };
  for (const [name, file] of Object.entries(command.inputFiles)) {
    out[name] = JSON.parse(fs.readFileSync(file, "utf8"));
  }
  return out;
}

const label = (path) =>
  "result" +
  path.map((key) => (typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`)).join("");

/**
 * Where a value JSON cannot hold is, and what it is (`result["when"] is a bigint`): what
 * JSON.stringify would throw on or silently turn into something else (a Map into {}, NaN into null).
 */
function findUnserialisable(value) {
  const seen = new Set();
  const stack = [[value, []]];
  while (stack.length) {
    const [item, path] = stack.pop();
    const type = typeof item;
    if (item === null || type === "string" || type === "boolean" || item === undefined) continue;
    if (type === "number") {
      if (!Number.isFinite(item)) return `${label(path)} is ${item}, which JSON cannot hold`;
      continue;
    }
    if (type === "bigint" || type === "symbol" || type === "function") {
      return `${label(path)} is a ${type}`;
    }
    if (typeof item.toJSON === "function") continue;
    if (item instanceof Map || item instanceof Set) {
      return `${label(path)} is a ${item.constructor.name} (JSON would make it {}; convert it with Object.fromEntries or [...value])`;
    }
    // Visited (shared, or a cycle, which JSON.stringify itself names): not again.
    if (seen.has(item)) continue;
    seen.add(item);
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], [...path, i]]);
    } else {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push([entries[i][1], [...path, entries[i][0]]]);
      }
    }
  }
  return null;
}

function sharedInputsOf(command) {
  const ref = command.shared;
  if (!ref) return command.inputs;
  if ("values" in ref) shared = { id: ref.id, values: ref.values };
  else if (shared.id !== ref.id) {
    throw new Error(`this kernel does not hold the inputs ${ref.id} (it holds ${shared.id})`);
  }
  return { ...shared.values, ...command.inputs };
}

async function run(command) {
  const savedEnv = { ...process.env };
  Object.assign(process.env, command.env ?? {});
  process.chdir(command.cwd);
  kernelApi.task = command.task;
  kernelApi.context = command.context ?? {};
  let outcome;
  try {
    const taskModule = await loadModule(command.file);
    const main = typeof taskModule.default === "function" ? taskModule.default : taskModule.main;
    if (typeof main !== "function") {
      throw Object.assign(
        new Error(`task "${command.task}" exports no function to call (default or main)`),
        {
          name: "NoEntryPoint",
        },
      );
    }
    const result = await main(inputsOf(command));
    const where = findUnserialisable(result);
    let text;
    try {
      if (where) throw new Error(where);
      text = JSON.stringify(result === undefined ? null : result) ?? "null";
    } catch (error) {
      throw Object.assign(new Error(`main() returned a value that is not JSON: ${error.message}`), {
        name: "ResultNotSerializable",
      });
    }
    const size = command.resultFile ? Buffer.byteLength(text) : 0;
    if (command.resultFile && size > command.inlineLimit) {
      // A large result goes to a file the agent streams to storage (it never reads it whole).
      fs.writeFileSync(command.resultFile, text);
      outcome = { type: "done", ok: true, resultFile: command.resultFile, sizeBytes: size };
    } else outcome = { type: "done", ok: true, resultJson: text };
  } catch (error) {
    outcome = { type: "done", ok: false, error: describe(error, command) };
  } finally {
    kernelApi.task = kernelApi.context = null;
    restoreEnvironment(savedEnv);
  }
  // Console output to a full pipe is queued and written later (200,000 fast console.log lines:
  // a marker written with fs.writeSync arrived after line ~330), so the marker goes through the
  // same streams, after everything the task wrote, and the answer once both are out.
  await Promise.all(
    [process.stdout, process.stderr].map((s) => new Promise((done) => s.write(MARK, done))),
  );
  send(outcome);
}

// A socket, not fs.createReadStream: that reads the pipe with a blocking read() on a libuv pool
// thread, and Node's exit waits for that thread, so a task calling process.exit() would hang the
// kernel until the agent wrote again. A socket reads through the event loop and exits at once.
const lines = readline.createInterface({
  input: new net.Socket({ fd: 3, readable: true, writable: false }),
  crlfDelay: Infinity,
});
send({ type: "ready", pid: process.pid, version: process.version });
for await (const line of lines) {
  if (line.trim()) await run(JSON.parse(line));
}
