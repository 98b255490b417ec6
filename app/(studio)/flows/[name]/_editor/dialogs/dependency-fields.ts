// The dependencies dialog's text fields and the flow file's lists: one requirement per line for
// pip, one `name@version` per line for npm. Parsing says what is wrong on which line; the
// contract's own check (contract/flow-file/dependencies.ts) then judges each entry.
import type { Dependencies } from "@/contract/flow-file/dependencies";

export function requirementsText(deps: Dependencies): string {
  return (deps.python?.requirements ?? []).join("\n");
}

export function packagesText(deps: Dependencies): string {
  return Object.entries(deps.typescript?.packages ?? {})
    .map(([name, version]) => `${name}@${version}`)
    .join("\n");
}

const lines = (text: string) =>
  text
    .split("\n")
    .map((line, i) => ({ text: line.trim(), number: i + 1 }))
    .filter((line) => line.text && !line.text.startsWith("#"));

/** The flow's dependencies from the two fields (an empty field: none), or what is wrong. */
export function dependenciesOf(
  requirements: string,
  packages: string,
): { deps: Dependencies; problems: string[] } {
  const problems: string[] = [];
  const deps: Dependencies = {};
  const reqs = lines(requirements).map((l) => l.text);
  if (reqs.length) deps.python = { requirements: reqs };
  const pkgs: Record<string, string> = {};
  for (const line of lines(packages)) {
    // The last "@" splits: a scoped name starts with one (@scope/name@1.2.3).
    const at = line.text.lastIndexOf("@");
    const [name, version] =
      at > 0 ? [line.text.slice(0, at).trim(), line.text.slice(at + 1).trim()] : [line.text, ""];
    if (!version) {
      problems.push(`npm packages, line ${line.number}: write name@version (e.g. is-number@7.0.0)`);
      continue;
    }
    if (name in pkgs) problems.push(`npm packages, line ${line.number}: ${name} is listed twice`);
    pkgs[name] = version;
  }
  if (Object.keys(pkgs).length) deps.typescript = { packages: pkgs };
  return { deps, problems };
}

/**
 * Type declarations that let the TypeScript checker accept imports of the declared packages
 * (as `any`: the studio has not installed them, and a false "cannot find module" is worse).
 */
export function packageTypesLib(names: Iterable<string>): string {
  return [...new Set(names)]
    .sort()
    .map(
      (name) =>
        `declare module ${JSON.stringify(name)};\ndeclare module ${JSON.stringify(`${name}/*`)};`,
    )
    .join("\n");
}
