// How long to wait before a task's next attempt (../DESIGN.md "The flow file"):
// retryDelaySeconds is one delay, or a list with one per retry (the last one repeats);
// exponential backoff doubles it per retry; jitter varies it randomly by up to ±jitter.
import type { ExecutableTask } from "../../contract/agent-protocol.ts";

/** Milliseconds before retry number `retry` (1 for the first retry). */
export function retryDelayMs(
  task: Pick<ExecutableTask, "retryDelaySeconds" | "retryBackoff" | "retryJitter">,
  retry: number,
  random: () => number = Math.random,
): number {
  const delays = Array.isArray(task.retryDelaySeconds)
    ? task.retryDelaySeconds
    : [task.retryDelaySeconds];
  let seconds = delays[Math.min(retry - 1, delays.length - 1)] ?? 0;
  if (task.retryBackoff === "exponential") seconds *= 2 ** (retry - 1);
  if (task.retryJitter) seconds *= 1 + task.retryJitter * (2 * random() - 1);
  return Math.max(0, Math.round(seconds * 1000));
}
