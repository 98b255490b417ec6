// A task's context: the secrets and variables it declares in the flow file, fetched by the agent
// with the run's token as each attempt starts (agent/agent.ts), then handed to the task — to
// Python and TypeScript kernels in the task's command (read with get_secret / secret()), to shell
// tasks as environment variables of their names. The task process never holds the run token or
// the agent's key, so it can read what it declared and nothing else; and a secret fixed between
// two attempts reaches the next one.
import type { ExecutableTask, TaskContext, TaskError } from "../../contract/agent-protocol.ts";
import { Masker } from "../../contract/secret-masking.ts";

export type TaskContextLookup = (
  task: string,
) => Promise<{ ok: true; context: TaskContext } | { ok: false; error: string }>;

export type PreparedContext = {
  /** Null for a task that declares nothing: its command and environment stay as they were. */
  context: TaskContext | null;
  /** Masks the values of the task's secrets in what the agent sends (the server masks again). */
  masker: Masker | null;
};

export async function prepareTaskContext(
  task: ExecutableTask,
  lookup: TaskContextLookup | undefined,
): Promise<{ ok: true; prepared: PreparedContext } | { ok: false; error: TaskError }> {
  if (!task.secrets?.length && !task.variables?.length) {
    return { ok: true, prepared: { context: null, masker: null } };
  }
  const answer = lookup
    ? await lookup(task.name)
    : { ok: false as const, error: "this runner cannot fetch a task's secrets and variables" };
  if (!answer.ok) {
    return {
      ok: false,
      error: {
        type: "TaskContextUnavailable",
        message: `could not get the secrets and variables task "${task.name}" declares: ${answer.error}`,
      },
    };
  }
  const { context } = answer;
  return {
    ok: true,
    prepared: { context, masker: Masker.of(Object.values(context.secrets)) },
  };
}

/**
 * A shell task's view of its context: each declared secret and variable is an environment
 * variable of its own name — a string as it is, any other value as JSON (the inputs' rule).
 */
export function contextEnvironment(context: TaskContext | null): Record<string, string> {
  if (!context) return {};
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(context.variables)) {
    env[name] = typeof value === "string" ? value : JSON.stringify(value ?? null);
  }
  return { ...env, ...context.secrets };
}
