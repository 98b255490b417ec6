// What a task declares it reads: secrets and variables. A shell task gets both as environment
// variables of their names, so one name may not be both in one task.
import type { FlowIssue } from "./issues.ts";

export type DeclaringTask = {
  name: string;
  secrets?: readonly string[];
  variables?: readonly string[];
};

export function declaredNameIssues(tasks: readonly DeclaringTask[]): FlowIssue[] {
  const issues: FlowIssue[] = [];
  tasks.forEach((task, i) => {
    const secrets = new Set(task.secrets ?? []);
    (task.variables ?? []).forEach((name, k) => {
      if (!secrets.has(name)) return;
      issues.push({
        path: ["tasks", i, "variables", k],
        task: task.name,
        field: "variables",
        message: `task "${task.name}": "${name}" is declared both as a secret and as a variable; rename one of them`,
      });
    });
  });
  return issues;
}

/** Every secret (or variable) name the tasks declare, each once, in order of first mention. */
export function declaredNames(
  tasks: readonly DeclaringTask[],
  kind: "secrets" | "variables",
): string[] {
  return [...new Set(tasks.flatMap((t) => t[kind] ?? []))];
}
