// Is this task unchanged? The one rule that decides whether a result made by an earlier version
// of a task may stand in for running it again — for notebook cell runs ("Run cell") and for
// replays (Retry from failure, Run from here) alike.
import { canonicalJson } from "../../../contract/content-hash.ts";
import { TaskSchema, type Task } from "../../../contract/flow-file/schema.ts";

/**
 * Fields that govern how a task is executed, not what it returns: changing them keeps earlier
 * results valid. Every other field — also fields added to the flow file later — counts as a
 * change, so that a new setting can make a result stale but never lets a stale one be reused.
 */
const EXECUTION_ONLY: ReadonlySet<string> = new Set([
  "name",
  "retries",
  "retryDelaySeconds",
  "retryBackoff",
  "retryJitter",
  "timeoutSeconds",
  "cache",
  "mapConcurrency",
]);

/**
 * The fields in which `now` computes something other than `then` did (language, code,
 * dependsOn, …), in the order the flow file lists them; empty when the task is unchanged.
 * dependsOn is compared as a set: inputs are bound by name, so their order changes nothing.
 */
export function taskChanges(then: Task, now: Task): string[] {
  const a = normalise(then);
  const b = normalise(now);
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields.filter(
    (field) => !EXECUTION_ONLY.has(field) && canonicalJson(a[field]) !== canonicalJson(b[field]),
  );
}

/** Whether an earlier result of `then` is still what `now` would compute (same inputs given). */
export function sameTask(then: Task | undefined, now: Task | undefined): boolean {
  return !!then && !!now && taskChanges(then, now).length === 0;
}

/**
 * Defaults filled in (a version saved before a field existed reads like one that has its
 * default) and dependsOn sorted.
 */
function normalise(task: Task): Record<string, unknown> {
  const parsed = TaskSchema.safeParse(task);
  const full: Record<string, unknown> = parsed.success ? parsed.data : { ...task };
  const dependsOn = Array.isArray(full.dependsOn) ? [...(full.dependsOn as string[])].sort() : [];
  return { ...full, dependsOn };
}
