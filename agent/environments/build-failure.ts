// Why a dependency build failed, in one sentence naming the package: found in the last lines of
// pip's, uv's or npm's output (the lines themselves follow the sentence in the task's error).

const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/No matching distribution found for (\S+)/, (m) => `no matching distribution for "${m[1]}"`],
  [
    /Could not find a version that satisfies the requirement (\S+)/,
    (m) => `no version satisfies "${m[1]}"`,
  ],
  [/Because (\S+) was not found in the package registry/, (m) => `"${m[1]}" is not in the index`],
  [/No solution found when resolving dependencies:?\s*(.*)/, (m) => `no solution: ${m[1]}`],
  [/ResolutionImpossible|conflicting dependencies/i, () => "the requirements conflict"],
  [/404 Not Found - GET \S+\/(@?[^/\s]+(?:%2[fF][^/\s]+)?)/, (m) => `npm package "${decodeURIComponent(m[1]!)}" does not exist`], // prettier-ignore
  [/No matching version found for (\S+)/, (m) => `no version of npm package matches "${m[1]}"`],
  [/code ETARGET|notarget/i, () => "no version of a package matches its range"],
  [/code E(?:NOTFOUND|AI_AGAIN|CONNREFUSED|TIMEDOUT)/, () => "the npm registry cannot be reached"],
];

export function explainBuildFailure(tool: string, tail: readonly string[]): string {
  const text = tail.join("\n");
  for (const [pattern, say] of PATTERNS) {
    const match = text.match(pattern);
    if (match) return `${tool} could not install the dependencies: ${say(match)}`;
  }
  return `${tool} could not install the dependencies`;
}
