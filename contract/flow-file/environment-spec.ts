// What an agent installs for a task: its language's packages, the task's own over the flow's,
// identified by `environmentSpecHash` — server and agent compute it alike, and a lock recorded
// for one flow version is keyed by it.
import { canonicalJson, sha256 } from "../content-hash.ts";
import type { Dependencies, DependentTask, EnvironmentSpec } from "./dependencies.ts";

/** The packages a task's environment holds, or undefined when it needs none beyond the runtime. */
export function environmentSpecOf(
  flow: Dependencies,
  task: DependentTask,
): EnvironmentSpec | undefined {
  if (task.language === "python") {
    const requirements = (task.python ?? flow.python)?.requirements ?? [];
    return requirements.length ? { language: "python", requirements } : undefined;
  }
  if (task.language === "typescript") {
    const packages = (task.typescript ?? flow.typescript)?.packages ?? {};
    return Object.keys(packages).length ? { language: "typescript", packages } : undefined;
  }
  return undefined;
}

/**
 * The identity of a set of packages: the same set declared in another order (or on two tasks)
 * hashes the same, so it is built once. Locks are recorded per flow version under this hash.
 */
export function environmentSpecHash(spec: EnvironmentSpec): string {
  const body =
    spec.language === "python"
      ? { language: "python", requirements: spec.requirements.map((r) => r.trim()).sort() }
      : spec;
  return sha256(canonicalJson(body)).slice(0, 32);
}
