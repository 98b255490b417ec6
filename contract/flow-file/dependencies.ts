// Per-flow dependencies (../../DESIGN.md "python: { requirements }", "typescript: { packages }"):
// on the flow, or on a task (a task's own setting replaces the flow's for that task). The shape is
// checked by the zod schema; what each entry means — a pip requirement, an npm name and range — is
// checked here on save, so a typo is refused in the studio instead of failing on an agent later.
// (Browser-safe: the studio checks the dialog's lists with the same rules.)
import semver from "semver";
import type { FlowIssue, Path } from "./issues.ts";

export type PythonDependencies = { requirements: string[] };
export type TypeScriptDependencies = { packages: Record<string, string> };
export type Dependencies = {
  python?: PythonDependencies | undefined;
  typescript?: TypeScriptDependencies | undefined;
};

/** What one task's environment holds: the packages of its language, task over flow. */
export type EnvironmentSpec =
  | { language: "python"; requirements: string[] }
  | { language: "typescript"; packages: Record<string, string> };

// PEP 508, the forms people write: name, extras, version clauses, an environment marker.
// No options (a requirement starting with "-" would reach pip as a flag: --index-url evil)
// and no direct URLs: agents install from their configured index or find-links folder.
const PY_NAME = String.raw`[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`;
const PY_VERSION = String.raw`[A-Za-z0-9.*+!_-]+`;
const PY_CLAUSE = String.raw`(?:===|==|!=|~=|<=|>=|<|>)\s*${PY_VERSION}`;
const PY_REQUIREMENT = new RegExp(
  String.raw`^(${PY_NAME})\s*(\[\s*${PY_NAME}(?:\s*,\s*${PY_NAME})*\s*\])?\s*` +
    String.raw`(\(?\s*${PY_CLAUSE}(?:\s*,\s*${PY_CLAUSE})*\s*\)?)?\s*(;\s*[^;\n]+)?$`,
);

/** A requirement's project name as pip compares them (PEP 503), or undefined when malformed. */
export function requirementName(requirement: string): string | undefined {
  const match = PY_REQUIREMENT.exec(requirement.trim());
  return match?.[1]?.toLowerCase().replace(/[-_.]+/g, "-");
}

/** Why a requirement cannot be installed as written; undefined when it is fine. */
export function requirementProblem(requirement: string): string | undefined {
  const text = requirement.trim();
  if (!text) return "is empty";
  if (text.startsWith("-"))
    return `"${text}" is a pip option, not a requirement — an agent's index is set with its --pip-index-url / --pip-find-links options`;
  if (/^\S+\s*@/.test(text) || /:\/\//.test(text))
    return `"${text}" is a direct URL; declare a name and version (e.g. "requests==2.32.3") and serve the package from an index or a --pip-find-links folder`;
  if (!PY_REQUIREMENT.test(text))
    return `"${text}" is not a requirement pip understands; write a name with optional extras and version clauses, e.g. "pandas==2.2.3" or "requests[socks]>=2.31,<3"`;
  return undefined;
}

// npm's rules for new package names (validate-npm-package-name): lowercase, URL-safe, ≤ 214.
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** Why an npm package name is not valid; undefined when it is fine. */
export function packageNameProblem(name: string): string | undefined {
  if (name.length > 214)
    return `package name "${name.slice(0, 40)}…" is longer than 214 characters`;
  if (name === "pipebook")
    return `"pipebook" is the SDK tasks import already; it cannot be declared as a package`;
  if (!NPM_NAME.test(name))
    return `"${name}" is not a valid npm package name (lowercase letters, digits, - . _ ~, optionally @scope/name)`;
  return undefined;
}

/** Why an npm version is not a version range; undefined when it is fine. */
export function packageVersionProblem(name: string, version: string): string | undefined {
  if (version === "latest") return undefined;
  if (/^(?:file|git|git\+\w+|https?|npm|link|workspace):|\//.test(version))
    return `"${name}": "${version}" is not a version range; declare a version such as "7.0.0" or "^7.0.0" (URLs, paths, git and aliases are not installed by agents)`;
  if (semver.validRange(version) === null)
    return `"${name}": "${version}" is not a valid version range (e.g. "7.0.0", "^7.0.0", ">=1.2 <2")`;
  return undefined;
}

export type DependentTask = Dependencies & { name: string; language: string };

/** Every problem of the flow's and its tasks' dependencies, each naming the task and field. */
export function validateDependencies(
  flow: Dependencies,
  tasks: readonly DependentTask[],
): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const check = (owner: Dependencies, at: Path, task: string | undefined) => {
    const label = task ? `task "${task}": ` : "";
    if (owner.python) {
      const seen = new Map<string, string>();
      owner.python.requirements.forEach((requirement, k) => {
        const path = [...at, "python", "requirements", k];
        const problem = requirementProblem(requirement);
        const name = requirementName(requirement);
        const where = `${label}python.requirements[${k}]`;
        if (problem) issues.push({ path, task, field: "python", message: `${where} ${problem}` });
        else if (name && seen.has(name))
          issues.push({
            path,
            task,
            field: "python",
            message: `${where} names "${name}" again (also "${seen.get(name)}"); list each package once`,
          });
        if (name) seen.set(name, requirement);
      });
    }
    if (owner.typescript) {
      for (const [name, version] of Object.entries(owner.typescript.packages)) {
        const path = [...at, "typescript", "packages", name];
        const problem = packageNameProblem(name) ?? packageVersionProblem(name, version);
        if (problem)
          issues.push({
            path,
            task,
            field: "typescript",
            message: `${label}typescript.packages: ${problem}`,
          });
      }
    }
  };
  check(flow, [], undefined);
  tasks.forEach((task, i) => {
    check(task, ["tasks", i], task.name);
    for (const field of ["python", "typescript"] as const) {
      if (task[field] === undefined || task.language === field) continue;
      issues.push({
        path: ["tasks", i, field],
        task: task.name,
        field,
        message: `task "${task.name}": ${field} dependencies apply only to a ${field} task (this one is ${task.language}) — remove them or set them on a ${field} task`,
      });
    }
  });
  return issues;
}
