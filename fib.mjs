// agent/kernels/kernel-files.ts
import fs from "node:fs";
import path from "node:path";

// raw:/work/main/agent/kernels/node/kernel.mjs
var kernel_default =
  '// Pipebook\'s Node kernel: one warm Node process that runs TypeScript cells (compiled to\n// JavaScript when their flow version was saved) one after another, so a task pays no process\n// start-up. Commands arrive as JSON lines on fd 3, answers leave as JSON lines on fd 4; the\n// task\'s console output is this process\'s stdout and stderr (the task\'s logs), each closed by a\n// marker line after the task so the agent knows all of its output has arrived.\nimport fs from "node:fs";\nimport readline from "node:readline";\nimport { pathToFileURL } from "node:url";\nimport { Worker } from "node:worker_threads";\n\nconst MARK = `\\u0000${process.env.PIPEBOOK_KERNEL_MARK}\\n`;\ndelete process.env.PIPEBOOK_KERNEL_MARK;\n\nfunction send(message) {\n  fs.writeSync(4, `${JSON.stringify(message)}\\n`);\n}\n\n// The "pipebook" module\'s logger reaches the agent through this.\nglobalThis[Symbol.for("pipebook.kernel")] = {\n  log(level, message) {\n    send({ type: "log", level, message: String(message) });\n  },\n};\n\n// If the agent dies (even by SIGKILL), take this kernel and whatever its task started along. A\n// worker thread watches, because a busy task would keep the main thread from ever looking.\nnew Worker(\n  `const { workerData } = require("node:worker_threads");\n   setInterval(() => {\n     if (process.ppid !== workerData) {\n       try { process.kill(-process.pid, "SIGKILL"); } catch { process.kill(process.pid, "SIGKILL"); }\n     }\n   }, 500);`,\n  { eval: true, workerData: process.ppid },\n).unref();\n\n// A promise a task forgot to await must not take the kernel down with it.\nprocess.on("unhandledRejection", (reason) => {\n  process.stderr.write(`unhandled promise rejection: ${reason?.stack ?? reason}\\n`);\n});\n\nfunction describe(error) {\n  if (error instanceof Error) {\n    return {\n      type: error.name || "Error",\n      message: error.message || String(error),\n      traceback: error.stack,\n    };\n  }\n  return { type: "Error", message: `the task threw ${JSON.stringify(error) ?? String(error)}` };\n}\n\nasync function run(command) {\n  const savedEnv = { ...process.env };\n  Object.assign(process.env, command.env ?? {});\n  process.chdir(command.cwd);\n  let outcome;\n  try {\n    const taskModule = await import(pathToFileURL(command.file).href);\n    const main = typeof taskModule.default === "function" ? taskModule.default : taskModule.main;\n    if (typeof main !== "function") {\n      throw Object.assign(\n        new Error(`task "${command.task}" exports no function to call (default or main)`),\n        {\n          name: "NoEntryPoint",\n        },\n      );\n    }\n    const result = await main(command.inputs);\n    let text;\n    try {\n      text = JSON.stringify(result === undefined ? null : result);\n    } catch (error) {\n      throw Object.assign(new Error(`main() returned a value that is not JSON: ${error.message}`), {\n        name: "ResultNotSerializable",\n      });\n    }\n    outcome = { type: "done", ok: true, resultJson: text ?? "null" };\n  } catch (error) {\n    outcome = { type: "done", ok: false, error: describe(error) };\n  } finally {\n    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];\n    Object.assign(process.env, savedEnv);\n    // Pipes are written synchronously on Linux and macOS, so all console output is out by now.\n    fs.writeSync(1, MARK);\n    fs.writeSync(2, MARK);\n  }\n  send(outcome);\n}\n\nconst lines = readline.createInterface({\n  input: fs.createReadStream(null, { fd: 3 }),\n  crlfDelay: Infinity,\n});\nsend({ type: "ready", pid: process.pid, version: process.version });\nfor await (const line of lines) {\n  if (line.trim()) await run(JSON.parse(line));\n}\n';

// raw:/work/main/agent/kernels/node/pipebook-sdk.mjs
var pipebook_sdk_default =
  '// The "pipebook" module for TypeScript task cells:\n//\n//   import { logger } from "pipebook";\n//   logger.info("fetched", n, "repositories");\n//\n// Lines logged here appear in the run\'s logs with their level (console.log lines are "info",\n// console.error lines "warning").\nimport { format } from "node:util";\n\nconst kernel = () => globalThis[Symbol.for("pipebook.kernel")];\n\nfunction emit(level, args) {\n  const message = format(...args);\n  const k = kernel();\n  if (k) k.log(level, message);\n  else process.stderr.write(`${level.toUpperCase()} ${message}\\n`);\n}\n\nexport const logger = {\n  debug: (...args) => emit("debug", args),\n  info: (...args) => emit("info", args),\n  warn: (...args) => emit("warning", args),\n  warning: (...args) => emit("warning", args),\n  error: (...args) => emit("error", args),\n};\n\nconst pipebook = { logger };\nexport default pipebook;\n';

// raw:/work/main/agent/kernels/python/kernel.py
var kernel_default2 = `# Pipebook's Python kernel: one warm interpreter that runs task cells one after another, so a task
# pays no interpreter start-up (like a notebook kernel). The agent writes commands as JSON lines
# on fd 3 and reads answers as JSON lines on fd 4. A task's own stdout and stderr are this
# process's fds 1 and 2, which the agent reads as the task's logs; after each task a marker line
# on both tells the agent that all of that task's output has arrived.
import asyncio
import inspect
import json
import linecache
import os
import signal
import sys
import threading
import time
import traceback

MARK = "\\x00" + os.environ.pop("PIPEBOOK_KERNEL_MARK") + "\\n"

commands = os.fdopen(3, "r", encoding="utf-8", newline="\\n")
answers = os.fdopen(4, "w", encoding="utf-8", buffering=1)
sys.stdin = open(os.devnull, "r")

current = {"task": None, "attempt": None}


def send(message):
    answers.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\\n")
    answers.flush()


def log(level, message):
    """Used by the pipebook module's logger: a log line with a level, in order with the task."""
    send({"type": "log", "level": level, "message": str(message)})


class TaskFailure(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def bind(main, inputs, task):
    """Keyword arguments for main: the inputs it declares (all of them if it takes **kwargs)."""
    params = inspect.signature(main).parameters
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return dict(inputs)
    kwargs, missing = {}, []
    for name, p in params.items():
        if p.kind in (p.VAR_POSITIONAL,):
            continue
        if name in inputs:
            kwargs[name] = inputs[name]
        elif p.default is p.empty:
            missing.append(name)
    if missing:
        available = ", ".join(sorted(inputs)) or "nothing"
        raise TaskFailure(
            "BindingError",
            f"main() of task {task!r} needs {', '.join(missing)}, but the task receives only: "
            f"{available} (the flow's parameters and the results of its upstream tasks)",
        )
    return kwargs


def task_traceback(error, filename):
    """The traceback from the task's first frame on: the kernel's own frames say nothing useful."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(error), error, tb or error.__traceback__))


def run(command):
    task, code = command["task"], command["code"]
    filename = f"{task}.py"
    current["task"], current["attempt"] = task, command["attempt"]
    saved_env = dict(os.environ)
    os.environ.update(command.get("env", {}))
    os.chdir(command["cwd"])
    outcome = None
    try:
        # Registered with linecache so that tracebacks show the cell's source lines.
        lines = code.splitlines(True)
        linecache.cache[filename] = (len(code), None, lines, filename)
        namespace = {"__name__": "__pipebook_task__", "__file__": filename}
        exec(compile(code, filename, "exec"), namespace)
        main = namespace.get("main")
        if not callable(main):
            raise TaskFailure("NoEntryPoint", f"task {task!r} defines no main() to call")
        result = main(**bind(main, command["inputs"], task))
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
        try:
            text = json.dumps(result, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError) as error:
            raise TaskFailure("ResultNotSerializable", f"main() returned a value that is not JSON: {error}")
        outcome = {"type": "done", "ok": True, "resultJson": text}
    except TaskFailure as error:
        outcome = {"type": "done", "ok": False, "error": {"type": error.kind, "message": str(error)}}
    except SystemExit as error:
        if error.code in (None, 0):
            outcome = {"type": "done", "ok": True, "resultJson": "null"}
        else:
            outcome = {
                "type": "done",
                "ok": False,
                "error": {"type": "SystemExit", "message": f"the task called sys.exit({error.code!r})"},
            }
    except BaseException as error:  # noqa: BLE001 \u2014 every failure of user code is reported
        outcome = {
            "type": "done",
            "ok": False,
            "error": {
                "type": type(error).__name__,
                "message": str(error) or type(error).__name__,
                "traceback": task_traceback(error, filename),
            },
        }
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        linecache.cache.pop(filename, None)
        current["task"] = current["attempt"] = None
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(1, MARK.encode())
        os.write(2, MARK.encode())
    send(outcome)


async def _await(awaitable):
    return await awaitable


def watch_parent():
    """If the agent dies (even by SIGKILL), take this kernel and whatever its task started along."""
    parent = os.getppid()
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os.killpg(os.getpgrp(), signal.SIGKILL)


def serve():
    threading.Thread(target=watch_parent, daemon=True).start()
    sys.modules["pipebook_kernel"] = sys.modules[__name__]
    send({"type": "ready", "pid": os.getpid(), "version": sys.version.split()[0]})
    for line in commands:
        if line.strip():
            run(json.loads(line))


if __name__ == "__main__":
    serve()
`;

// raw:/work/main/agent/kernels/python/pipebook.py
var pipebook_default = `"""Pipebook helpers for Python task cells.

    from pipebook import get_logger
    log = get_logger()
    log.info("fetched %d repositories", n)

Lines logged here appear in the run's logs with their level (print() lines are "info", stderr
lines "warning").
"""
import logging
import sys

_LEVELS = {
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "warning",
    logging.ERROR: "error",
    logging.CRITICAL: "error",
}


class _AgentHandler(logging.Handler):
    def emit(self, record):
        try:
            kernel = sys.modules.get("pipebook_kernel")
            level = _LEVELS.get(record.levelno, "info")
            message = self.format(record)
            if kernel is not None:
                kernel.log(level, message)
            else:  # outside Pipebook: behave like a plain logger
                print(f"{level.upper()} {message}", file=sys.stderr)
        except Exception:  # noqa: BLE001 \u2014 logging must never break the task
            self.handleError(record)


def get_logger(name="task"):
    """A logger whose lines go to the run's logs with their level."""
    logger = logging.getLogger(f"pipebook.{name}")
    if not any(isinstance(h, _AgentHandler) for h in logger.handlers):
        handler = _AgentHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger
`;

// agent/kernels/kernel-files.ts
function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === text) return;
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}
function installKernelFiles(dir) {
  const files2 = {
    pythonKernel: path.join(dir, "python", "pipebook_kernel.py"),
    pythonPath: path.join(dir, "python"),
    nodeKernel: path.join(dir, "node", "kernel.mjs"),
    nodeTasks: path.join(dir, "node", "tasks"),
  };
  write(files2.pythonKernel, kernel_default2);
  write(path.join(files2.pythonPath, "pipebook.py"), pipebook_default);
  write(files2.nodeKernel, kernel_default);
  const sdk = path.join(dir, "node", "node_modules", "pipebook");
  write(path.join(sdk, "index.mjs"), pipebook_sdk_default);
  write(
    path.join(sdk, "package.json"),
    JSON.stringify({ name: "pipebook", type: "module", exports: "./index.mjs" }, null, 2),
  );
  fs.mkdirSync(files2.nodeTasks, { recursive: true });
  return files2;
}

// agent/kernels/kernel-pool.ts
import { execFileSync } from "node:child_process";

// agent/kernels/kernel-process.ts
import { spawn } from "node:child_process";
import crypto from "node:crypto";

// agent/kernels/process-tree.ts
function killTree(child, signal = "SIGKILL") {
  if (child.pid === void 0 || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}

// contract/agent-protocol.ts
import { z as z3 } from "zod";

// contract/api-v1.ts
import { z } from "zod";

// contract/run-states.ts
var FLOW_RUN_STATES = [
  "Scheduled",
  "Pending",
  "Running",
  "Cancelling",
  "Completed",
  "Failed",
  "Cancelled",
  "Crashed",
];
var TASK_RUN_STATES = [
  "Pending",
  "Running",
  "Retrying",
  "Completed",
  "Cached",
  "Failed",
  "Cancelled",
  "Crashed",
  "NotRun",
];

// contract/api-v1.ts
var NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
var nameSchema = (what) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(
      NAME,
      `${what} must start with a letter or digit and hold only letters, digits, ".", "_" and "-"`,
    );
var WorkQueueNameSchema = nameSchema("a work queue name");
var DeploymentNameSchema = nameSchema("a deployment name");
var TagSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    'a tag must start with a letter or digit and hold only letters, digits, ".", "_", ":", "/" and "-"',
  );
var ParameterValuesSchema = z.record(z.string(), z.unknown());
var isoTime = z.iso.datetime();
var ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** Problems of a flow file or of parameters, each with its own location. */
    issues: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
});
var FlowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.int(),
});
var ImportFlowResponseSchema = FlowSummarySchema.extend({
  /** False when the content was the same as the latest version's (nothing new was saved). */
  created: z.boolean(),
});
var ListFlowsResponseSchema = z.object({
  flows: z.array(FlowSummarySchema.extend({ description: z.string(), updatedAt: isoTime })),
});
var CreateDeploymentRequestSchema = z.strictObject({
  flow: z.string().min(1),
  name: DeploymentNameSchema,
  description: z.string().max(1e4).optional(),
  parameters: ParameterValuesSchema.default({}),
  workQueue: WorkQueueNameSchema.default("default"),
  tags: z.array(TagSchema).max(20).default([]),
  /** Flow-level retries: a Crashed or Failed run is queued again this many times. */
  retries: z.int().min(0).max(100).default(0),
  retryDelaySeconds: z.int().min(0).max(86400).default(0),
  runner: z.enum(["process", "docker"]).default("process"),
  image: z.string().min(1).max(500).optional(),
});
var DeploymentSchema = z.object({
  id: z.string(),
  name: z.string(),
  flow: z.string(),
  version: z.int(),
  workQueue: z.string(),
  tags: z.array(z.string()),
  parameters: ParameterValuesSchema,
  /** The flow version's parameter schema (JSON Schema), for building forms and CLI flags. */
  parameterSchema: z.record(z.string(), z.unknown()),
  retries: z.int(),
  runner: z.string(),
  image: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
var ListDeploymentsResponseSchema = z.object({ deployments: z.array(DeploymentSchema) });
var CreateFlowRunRequestSchema = z.strictObject({
  parameters: ParameterValuesSchema.default({}),
});
var FlowRunDisplayStateSchema = z.enum([...FLOW_RUN_STATES, "Late", "Paused"]);
var CreateFlowRunResponseSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
});
var TaskRunSchema = z.object({
  name: z.string(),
  state: z.enum(TASK_RUN_STATES),
  attempts: z.int(),
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  result: z.unknown(),
  error: z.object({ type: z.string(), message: z.string() }).catchall(z.unknown()).nullable(),
});
var FlowRunSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
  stateMessage: z.string().nullable(),
  createdAt: isoTime,
  scheduledAt: isoTime,
  startedAt: isoTime.nullable(),
  endedAt: isoTime.nullable(),
  flow: z.object({ name: z.string(), version: z.int() }),
  deployment: z.object({ id: z.string(), name: z.string() }),
  workQueue: z.string(),
  parameters: ParameterValuesSchema,
  attempt: z.int(),
  taskRuns: z.array(TaskRunSchema),
});
var LogLineSchema = z.object({
  task: z.string().nullable(),
  attempt: z.int().nullable(),
  level: z.enum(["debug", "info", "warning", "error"]),
  message: z.string(),
  timestamp: isoTime,
});
var LogsQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,19}$/, "the cursor must be a value of `next` from an earlier answer")
    .optional(),
  limit: z.coerce.number().int().min(1).max(5e3).default(1e3),
});
var LogsResponseSchema = z.object({
  logs: z.array(LogLineSchema),
  /** Pass as `after` to read on; null once the run has ended and every line was read. */
  next: z.string().nullable(),
});
var StateEventSchema = z.object({
  /** The task's name, or null for the flow run itself. */
  task: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string(),
  attempt: z.int().nullable(),
  message: z.string().nullable(),
  at: isoTime,
});
var FlowRunHistoryResponseSchema = z.object({ events: z.array(StateEventSchema) });
var CancelFlowRunResponseSchema = z.object({
  id: z.string(),
  state: FlowRunDisplayStateSchema,
});
var HealthResponseSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  database: z.enum(["pglite", "postgres"]),
});

// contract/flow-file/schema.ts
import { z as z2 } from "zod";
var LANGUAGES = ["python", "typescript", "shell"];
var FLOW_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
var TASK_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
var PYTHON_KEYWORDS = /* @__PURE__ */ new Set([
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);
var MAX_SECONDS = 7 * 24 * 3600;
var TaskNameSchema = z2
  .string()
  .max(63, "must be at most 63 characters")
  .regex(
    TASK_NAME_PATTERN,
    "must start with a lowercase letter and hold only lowercase letters, digits and _ (e.g. get_stars)",
  )
  .refine((name) => !PYTHON_KEYWORDS.has(name), {
    message: "is a Python keyword, so a Python task could not take it as an argument",
  });
var SecondsSchema = z2.number().min(0).max(MAX_SECONDS);
var CachePolicySchema = z2.strictObject({
  key: z2.literal("inputs"),
  expiresSeconds: z2
    .int()
    .positive()
    .max(365 * 24 * 3600)
    .optional(),
});
var TaskSchema = z2.strictObject({
  name: TaskNameSchema,
  language: z2.enum(LANGUAGES),
  code: z2.string().max(1e6, "must be at most 1 MB"),
  dependsOn: z2.array(z2.string()).default([]),
  retries: z2.int().min(0).max(100).default(0),
  retryDelaySeconds: z2.union([SecondsSchema, z2.array(SecondsSchema).min(1).max(100)]).default(0),
  retryBackoff: z2.enum(["none", "exponential"]).default("none"),
  retryJitter: z2.number().min(0).max(1).optional(),
  timeoutSeconds: z2.number().positive().max(MAX_SECONDS).optional(),
  cache: CachePolicySchema.optional(),
});
var PARAMETER_TYPES = ["string", "number", "integer", "boolean", "array", "object", "null"];
var ParameterTypeSchema = z2.enum(PARAMETER_TYPES);
var ParameterSchemaSchema = z2.lazy(() =>
  z2.strictObject({
    type: z2.union([ParameterTypeSchema, z2.array(ParameterTypeSchema).min(1)]).optional(),
    title: z2.string().optional(),
    description: z2.string().optional(),
    properties: z2.record(z2.string(), ParameterSchemaSchema).optional(),
    required: z2.array(z2.string()).optional(),
    items: ParameterSchemaSchema.optional(),
    enum: z2.array(z2.unknown()).min(1).optional(),
    default: z2.unknown().optional(),
    minimum: z2.number().optional(),
    maximum: z2.number().optional(),
    minLength: z2.int().min(0).optional(),
    maxLength: z2.int().min(0).optional(),
    pattern: z2.string().optional(),
  }),
);
var EMPTY_PARAMETERS = { type: "object", properties: {} };
var FlowFileSchema = z2.strictObject({
  name: z2
    .string()
    .max(100, "must be at most 100 characters")
    .regex(
      FLOW_NAME_PATTERN,
      "must start with a lowercase letter and hold only lowercase letters, digits and - (e.g. github-stars)",
    ),
  description: z2.string().max(1e4).default(""),
  parameters: ParameterSchemaSchema.default(EMPTY_PARAMETERS),
  tasks: z2.array(TaskSchema).max(2e3, "a flow may hold at most 2000 tasks").default([]),
});

// contract/agent-protocol.ts
var AGENT_PROTOCOL_VERSION = 1;
var isoTime2 = z3.iso.datetime();
var uuid = z3.uuid();
var MAX_WAIT_MS = 3e4;
var MAX_LOG_LINE = 64 * 1024;
var MAX_RESULT_BYTES = 8 * 1024 * 1024;
var MAX_EVENTS_PER_REPORT = 2e3;
var RegisterAgentRequestSchema = z3.strictObject({
  name: z3.string().min(1).max(200),
  hostname: z3.string().max(255).default(""),
  version: z3.string().max(100).default(""),
  protocol: z3.int().default(AGENT_PROTOCOL_VERSION),
  queues: z3.array(WorkQueueNameSchema).min(1, "an agent serves at least one work queue").max(50),
  tags: z3.array(TagSchema).max(50).default([]),
  concurrency: z3.int().min(1).max(1e3).default(1),
});
var RegisterAgentResponseSchema = z3.object({
  id: uuid,
  heartbeatIntervalMs: z3.int(),
  leaseMs: z3.int(),
  claimWaitMs: z3.int(),
});
var ClaimRequestSchema = z3.strictObject({
  capacity: z3.int().min(1).max(100),
  waitMs: z3.int().min(0).max(MAX_WAIT_MS).default(25e3),
});
var ExecutableTaskSchema = TaskSchema.extend({
  /** JavaScript for TypeScript cells (compiled at save), the source for the others. */
  code: z3.string(),
}).strip();
var CompletedTaskSchema = z3.object({
  state: z3.enum(["Completed", "Cached"]),
  result: z3.unknown(),
});
var ClaimedRunSchema = z3.object({
  flowRunId: uuid,
  leaseId: uuid,
  leaseExpiresAt: isoTime2,
  /** 1 for the first execution; more for a flow-level retry, which resumes. */
  attempt: z3.int(),
  flow: z3.object({ name: z3.string(), version: z3.int() }),
  deployment: z3.object({ id: uuid, name: z3.string() }),
  runner: z3.object({
    kind: z3.enum(["process", "docker", "kubernetes"]),
    image: z3.string().nullable(),
  }),
  parameters: z3.record(z3.string(), z3.unknown()),
  /** In topological order. */
  tasks: z3.array(ExecutableTaskSchema),
  /** Tasks that completed in an earlier attempt: not run again, their results reused. */
  completed: z3.record(z3.string(), CompletedTaskSchema),
  /** Attempts each task made in earlier attempts of the flow run; numbering continues from there. */
  priorAttempts: z3.record(z3.string(), z3.int()),
});
var ClaimResponseSchema = z3.object({ runs: z3.array(ClaimedRunSchema) });
var HeartbeatRequestSchema = z3.strictObject({
  /** The runs this agent holds. */
  runs: z3.array(uuid).max(1e3),
  /** Answer early if a cancel arrives; otherwise after this long (leases are renewed at once). */
  waitMs: z3.int().min(0).max(MAX_WAIT_MS).default(0),
});
var HeartbeatRunStatusSchema = z3.object({
  flowRunId: uuid,
  /** ok: carry on; cancel: stop its tasks and report Cancelled; lost: the lease is gone, drop it. */
  status: z3.enum(["ok", "cancel", "lost"]),
});
var HeartbeatResponseSchema = z3.object({ runs: z3.array(HeartbeatRunStatusSchema) });
var StopAgentRequestSchema = z3.strictObject({
  /** Claimed runs that never started: they go back to their queue for another agent. */
  release: z3.array(uuid).max(1e3).default([]),
});
var StopAgentResponseSchema = z3.object({ released: z3.array(uuid) });
var TaskErrorSchema = z3
  .object({
    type: z3.string().max(200),
    message: z3.string().max(MAX_LOG_LINE),
    traceback: z3
      .string()
      .max(256 * 1024)
      .optional(),
    /** For NotRun: the upstream task that did not complete. */
    upstream: z3.string().optional(),
  })
  .catchall(z3.unknown());
var FlowEventSchema = z3.strictObject({
  type: z3.literal("flow"),
  state: z3.enum(["Running", "Completed", "Failed", "Cancelled"]),
  at: isoTime2,
  message: z3.string().max(MAX_LOG_LINE).optional(),
  error: TaskErrorSchema.optional(),
});
var TaskEventSchema = z3.strictObject({
  type: z3.literal("task"),
  task: z3.string(),
  state: z3.enum(TASK_RUN_STATES).exclude(["Pending"]),
  at: isoTime2,
  /** The attempt this event belongs to (1-based; 0 for a task that never ran). */
  attempt: z3.int().min(0),
  message: z3.string().max(MAX_LOG_LINE).optional(),
  error: TaskErrorSchema.optional(),
  /** With Retrying: when the next attempt starts. */
  nextAttemptAt: isoTime2.optional(),
  /** With Completed or Cached: the task's return value. */
  result: z3.unknown().optional(),
  /** With Completed, for tasks with a cache policy. */
  cache: z3.object({ key: z3.string().max(200), expiresAt: isoTime2.nullable() }).optional(),
});
var LogEventSchema = z3.strictObject({
  type: z3.literal("log"),
  task: z3.string().nullable(),
  attempt: z3.int().min(0).nullable(),
  level: z3.enum(["debug", "info", "warning", "error"]),
  message: z3.string().max(MAX_LOG_LINE),
  at: isoTime2,
});
var ReportEventSchema = z3.discriminatedUnion("type", [
  FlowEventSchema,
  TaskEventSchema,
  LogEventSchema,
]);
var ReportRequestSchema = z3.strictObject({
  leaseId: uuid,
  /**
   * 1, 2, 3… per lease. A batch the server already applied is acknowledged again without
   * applying it twice, so an agent that lost an answer simply sends the batch again.
   */
  seq: z3.int().min(1),
  events: z3.array(ReportEventSchema).max(MAX_EVENTS_PER_REPORT),
});
var ReportResponseSchema = z3.object({
  /** False when this batch had been applied before (a re-send). */
  applied: z3.boolean(),
  /** True when someone asked to cancel the run: stop its tasks and report Cancelled. */
  cancel: z3.boolean(),
});
var CacheLookupRequestSchema = z3.strictObject({
  leaseId: uuid,
  keys: z3.array(z3.string().max(200)).min(1).max(1e3),
});
var CacheLookupResponseSchema = z3.object({
  hits: z3.record(z3.string(), z3.object({ result: z3.unknown() })),
});

// agent/kernels/output.ts
function clip(line) {
  return line.length > MAX_LOG_LINE ? `${line.slice(0, MAX_LOG_LINE - 20)}\u2026 (line cut)` : line;
}
function readLines(stream, onLine, options = {}) {
  const maxLine = options.maxLine ?? MAX_LOG_LINE * 4;
  const marker = options.marker;
  let parts = [];
  let length = 0;
  const emit = (line, at) => {
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
  stream.on("data", (chunk) => {
    const at = /* @__PURE__ */ new Date();
    let start = 0;
    let newline;
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
      if (length > maxLine) {
        emit(parts.join(""), at);
        parts = [];
        length = 0;
      }
    }
  });
  stream.on("end", () => {
    if (parts.length) emit(parts.join(""), /* @__PURE__ */ new Date());
    parts = [];
  });
}

// agent/kernels/kernel-process.ts
var START_TIMEOUT_MS = 3e4;
var KernelProcess = class _KernelProcess {
  constructor(child, version) {
    this.child = child;
    this.version = version;
  }
  child;
  version;
  tasksRun = 0;
  running = null;
  exited = false;
  exitListeners = [];
  static start(spec) {
    const mark = crypto.randomBytes(12).toString("hex");
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...spec.env, PIPEBOOK_KERNEL_MARK: mark },
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
      // Its own process group: a kill takes whatever the task started with it.
      detached: true,
    });
    return new Promise((resolve, reject) => {
      let kernel;
      let early = "";
      const timer = setTimeout(() => {
        killTree(child);
        reject(new Error(`${spec.command} did not start within ${START_TIMEOUT_MS / 1e3} s`));
      }, START_TIMEOUT_MS);
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${spec.command}: ${error.message}`));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        if (!kernel) {
          reject(
            new Error(
              `${spec.command} exited while starting (${signal ?? `code ${code}`})${early ? `: ${early.trim()}` : ""}`,
            ),
          );
        }
      });
      child.stderr.on("data", (chunk) => {
        if (!kernel) early += chunk.toString();
      });
      const answers = child.stdio[4];
      readLines(
        answers,
        (line) => {
          let message;
          try {
            message = JSON.parse(line);
          } catch {
            return;
          }
          if (message.type === "ready" && !kernel) {
            clearTimeout(timer);
            kernel = new _KernelProcess(child, message.version);
            kernel.listen(mark);
            resolve(kernel);
            return;
          }
          kernel?.onMessage(message);
        },
        { maxLine: Infinity },
      );
    });
  }
  listen(mark) {
    const marker = "\0" + mark;
    readLines(
      this.child.stdout,
      (message, at) => this.running?.onOutput({ level: "info", message, at }),
      { marker: { text: marker, onMarker: () => this.markDone("stdout") } },
    );
    readLines(
      this.child.stderr,
      (message, at) => this.running?.onOutput({ level: "warning", message, at }),
      { marker: { text: marker, onMarker: () => this.markDone("stderr") } },
    );
    this.child.on("exit", (code, signal) => {
      this.exited = true;
      const running = this.running;
      this.running = null;
      running?.resolve({
        ok: false,
        error: {
          type: "ProcessExited",
          message: `the task's process exited (${signal ?? `code ${code}`}) before the task finished`,
        },
      });
      for (const listener of this.exitListeners.splice(0)) listener();
    });
  }
  onMessage(message) {
    const running = this.running;
    if (!running) return;
    if (message.type === "log") {
      running.onOutput({
        level: message.level,
        message: message.message,
        at: /* @__PURE__ */ new Date(),
      });
    } else if (message.type === "done") {
      running.answer = message.ok
        ? { ok: true, resultJson: message.resultJson }
        : { ok: false, error: message.error };
      this.settle();
    }
  }
  markDone(stream) {
    if (!this.running) return;
    if (stream === "stdout") this.running.stdoutDone = true;
    else this.running.stderrDone = true;
    this.settle();
  }
  settle() {
    const running = this.running;
    if (running?.answer && running.stdoutDone && running.stderrDone) {
      this.running = null;
      running.resolve(running.answer);
    }
  }
  get alive() {
    return !this.exited;
  }
  /** Runs one task; the kernel must be idle. Output lines arrive through `onOutput`. */
  run(command, onOutput) {
    if (this.running) throw new Error("this kernel is already running a task");
    if (this.exited) {
      return Promise.resolve({
        ok: false,
        error: { type: "ProcessExited", message: "the kernel had exited" },
      });
    }
    this.tasksRun++;
    return new Promise((resolve) => {
      this.running = { onOutput, stdoutDone: false, stderrDone: false, resolve };
      this.child.stdio[3].write(`${JSON.stringify(command)}
`);
    });
  }
  /** Kills the kernel and everything its task started. */
  kill() {
    if (this.exited) return Promise.resolve();
    const gone = new Promise((resolve) => this.exitListeners.push(resolve));
    killTree(this.child);
    return gone;
  }
};

// agent/kernels/kernel-pool.ts
var RECYCLE_AFTER_TASKS = 500;
var MAX_IDLE_PER_LANGUAGE = 4;
var KernelPool = class {
  constructor(files2, options) {
    this.files = files2;
    this.options = options;
  }
  files;
  options;
  idle = { python: [], typescript: [] };
  warming = { python: false, typescript: false };
  closed = false;
  pythonProblem;
  python;
  /**
   * Finds the real Python once: `python3` is often a shim (pyenv, asdf) that costs tens of
   * milliseconds per start; the interpreter it resolves to does not.
   */
  resolvePython() {
    if (this.python) return this.python;
    if (this.pythonProblem) throw new Error(this.pythonProblem);
    try {
      this.python = execFileSync(this.options.python, ["-c", "import sys; print(sys.executable)"], {
        encoding: "utf8",
        timeout: 3e4,
      }).trim();
      return this.python;
    } catch (error) {
      this.pythonProblem = `Python tasks need ${this.options.python} on the agent's host (set --python): ${error.message.split("\n")[0]}`;
      throw new Error(this.pythonProblem);
    }
  }
  async start(language) {
    const { env, cwd } = this.options;
    if (language === "python") {
      return await KernelProcess.start({
        command: this.resolvePython(),
        args: ["-u", this.files.pythonKernel],
        env: {
          ...env,
          PYTHONPATH: [this.files.pythonPath, env.PYTHONPATH].filter(Boolean).join(":"),
          PYTHONUNBUFFERED: "1",
          PYTHONDONTWRITEBYTECODE: "1",
        },
        cwd,
      });
    }
    return await KernelProcess.start({
      command: this.options.node,
      args: ["--enable-source-maps", this.files.nodeKernel],
      env,
      cwd,
    });
  }
  async acquire(language) {
    let kernel;
    while ((kernel = this.idle[language].pop())) {
      if (kernel.alive) break;
    }
    kernel ??= await this.start(language);
    this.warm(language);
    return kernel;
  }
  release(language, kernel, healthy) {
    const keep =
      healthy &&
      !this.closed &&
      kernel.alive &&
      kernel.tasksRun < RECYCLE_AFTER_TASKS &&
      this.idle[language].length < MAX_IDLE_PER_LANGUAGE;
    if (keep) this.idle[language].push(kernel);
    else void kernel.kill();
  }
  /** Whether Python tasks can run here; else why not (for the agent's start-up message). */
  checkPython() {
    try {
      this.resolvePython();
      return void 0;
    } catch (error) {
      return error.message;
    }
  }
  /** Keeps one kernel of `language` ready, starting it in the background. */
  warm(language) {
    if (this.closed || this.warming[language] || this.idle[language].length > 0) return;
    this.warming[language] = true;
    this.start(language)
      .then((kernel) => {
        if (this.closed) void kernel.kill();
        else this.idle[language].push(kernel);
      })
      .catch(() => {})
      .finally(() => {
        this.warming[language] = false;
      });
  }
  async close() {
    this.closed = true;
    const all = [...this.idle.python, ...this.idle.typescript];
    this.idle = { python: [], typescript: [] };
    await Promise.all(all.map((k2) => k2.kill()));
  }
};

// ../../tmp/kb/fib.ts
import { spawnSync } from "node:child_process";
var files = installKernelFiles("/tmp/kb/kernels");
var pool = new KernelPool(files, {
  python: "python3",
  node: process.execPath,
  env: process.env,
  cwd: "/tmp/kb",
});
var k = await pool.acquire("python");
var FIBO = "def fibo(n):\n    return n if n < 2 else fibo(n - 1) + fibo(n - 2)\n";
for (let rep = 0; rep < 3; rep++) {
  const s = performance.now();
  for (let i = 0; i < 10; i++)
    await k.run(
      {
        task: "t",
        attempt: 1,
        code: `${FIBO}
def main():
    return fibo(33)
`,
        inputs: {},
        env: {},
        cwd: "/tmp/kb",
      },
      () => {},
    );
  const kernel = performance.now() - s;
  const bare =
    Number(
      spawnSync(
        "python3",
        [
          "-c",
          `import time
${FIBO}
t = time.perf_counter()
for _ in range(10):
    fibo(33)
print(time.perf_counter() - t)
`,
        ],
        { encoding: "utf8" },
      ).stdout,
    ) * 1e3;
  console.log(
    "kernel",
    kernel.toFixed(0),
    "bare",
    bare.toFixed(0),
    (((kernel - bare) / bare) * 100).toFixed(1) + "%",
  );
}
await pool.close();
