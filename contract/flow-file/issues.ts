// Problems found in a flow file, each saying what is wrong and where: the task by name, the
// field, and (when the file's text is known) the line and column.
import type * as z from "zod";

export type Path = (string | number)[];

export type Position = { line: number; column: number };

export type FlowIssue = {
  /** Path inside the flow file, e.g. ["tasks", 1, "retries"]. */
  path: Path;
  /** What is wrong, in a sentence, already naming the task and field. */
  message: string;
  /** The task's name, when the problem belongs to one task. */
  task?: string;
  /** The field of the task (or of the flow) at fault. */
  field?: string;
  /** Where in the file, when the file's text is known (1-based). */
  location?: Position;
  /** Where inside the task's code (1-based), for problems in a cell's code. */
  codeLocation?: Position;
};

export class FlowFileError extends Error {
  readonly issues: FlowIssue[];

  constructor(issues: FlowIssue[]) {
    super(summarize(issues));
    this.name = "FlowFileError";
    this.issues = issues;
  }
}

function summarize(issues: FlowIssue[]): string {
  const shown = issues.slice(0, 5).map(describeIssue);
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : "";
  return `invalid flow: ${shown.join("; ")}${more}`;
}

/** One line for a person: the message, then where in the file it is. */
export function describeIssue(issue: FlowIssue): string {
  const where = issue.location
    ? ` (line ${issue.location.line}, column ${issue.location.column})`
    : "";
  return `${issue.message}${where}`;
}

/** "tasks[1].retryDelaySeconds[0]" — the path as a person would write it. */
export function formatPath(path: Path): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

type TaskLookup = (index: number) => string | undefined;

/** Names the subject of a path: `task "report"` for tasks[i]…, else the field path. */
export function subjectOf(path: Path, taskName: TaskLookup): { task?: string; subject: string } {
  if (path[0] === "tasks" && typeof path[1] === "number") {
    const name = taskName(path[1]);
    const label = name ? `task "${name}"` : `tasks[${path[1]}]`;
    const rest = formatPath(path.slice(2));
    return { task: name, subject: rest ? `${label}: ${rest}` : label };
  }
  if (path[0] === "parameters") {
    const rest = formatPath(path.slice(1));
    return { subject: rest ? `parameter schema: ${rest}` : "parameter schema" };
  }
  return { subject: path.length ? formatPath(path) : "flow file" };
}

function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    const received = "input" in issue ? describeValue(issue.input) : undefined;
    return `must be ${article(issue.expected)}${received ? ` (got ${received})` : ""}`;
  }
  if (issue.code === "too_small") {
    if (issue.origin === "array") return `must hold at least ${issue.minimum} item(s)`;
    if (issue.origin === "string") return `must be at least ${issue.minimum} character(s)`;
    return `must be ${issue.inclusive === false ? ">" : "≥"} ${issue.minimum}`;
  }
  if (issue.code === "too_big") {
    if (issue.origin === "array") return `must hold at most ${issue.maximum} item(s)`;
    if (issue.origin === "string") return `must be at most ${issue.maximum} character(s)`;
    return `must be ${issue.inclusive === false ? "<" : "≤"} ${issue.maximum}`;
  }
  if (issue.code === "invalid_value") {
    const options = issue.values.map((v) => JSON.stringify(v)).join(", ");
    const got = "input" in issue ? ` (got ${describeValue(issue.input)})` : "";
    return issue.values.length === 1
      ? `must be ${options}${got}`
      : `must be one of ${options}${got}`;
  }
  if (issue.code === "invalid_union") return "has the wrong shape";
  return issue.message;
}

function article(type: string): string {
  if (type === "int") return "a whole number";
  if (type === "array" || type === "object") return `an ${type}`;
  return `a ${type}`;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "number" && !Number.isFinite(value)) return `number ${value}`;
  const text = JSON.stringify(value);
  const shown = text.length > 40 ? `${text.slice(0, 37)}…` : text;
  return `${typeof value} ${shown}`;
}

const KNOWN_TASK_FIELDS = [
  "name",
  "language",
  "code",
  "dependsOn",
  "retries",
  "retryDelaySeconds",
  "retryBackoff",
  "retryJitter",
  "timeoutSeconds",
  "cache",
  "python",
  "typescript",
];

/** A known field whose spelling differs only in case, `_` or `-` (depends_on → dependsOn). */
function suggestField(key: string): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[_-]/g, "");
  return KNOWN_TASK_FIELDS.find((f) => squash(f) === squash(key));
}

/** The field at fault: for a task, its own field (dependsOn for tasks[1].dependsOn[0]). */
export function fieldOf(path: Path): string | undefined {
  if (path[0] === "tasks" && typeof path[1] === "number") {
    return typeof path[2] === "string" ? path[2] : undefined;
  }
  return path.filter((p): p is string => typeof p === "string").at(-1);
}

/** Turns zod's issues into flow issues with a subject a person recognises. */
export function fromZodIssues(issues: z.core.$ZodIssue[], raw: unknown): FlowIssue[] {
  const taskName: TaskLookup = (index) => {
    const tasks = (raw as { tasks?: unknown } | null)?.tasks;
    const task = Array.isArray(tasks)
      ? (tasks[index] as { name?: unknown } | undefined)
      : undefined;
    return typeof task?.name === "string" && task.name ? task.name : undefined;
  };
  const out: FlowIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const keyPath = [...path, key];
        const { task, subject } = subjectOf(path, taskName);
        const hint = suggestField(key);
        out.push({
          path: keyPath,
          task,
          field: key,
          message: `${subject}: unknown field "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}`,
        });
      }
      continue;
    }
    const { task, subject } = subjectOf(path, taskName);
    out.push({ path, task, field: fieldOf(path), message: `${subject} ${expectedOf(issue)}` });
  }
  return out;
}
