// Shell cells are parsed — not run — with `bash -n` when a flow is saved, so a syntax error is
// refused then, located to its cell and line. bash has no way to parse several scripts in one
// process without running them, so each cell is its own `bash -n` (a few at a time). Measured
// here: ~3 ms per cell; answers are cached by code, so a save re-checks only changed cells.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  checkCached,
  runProcess,
  skipCheck,
  type CellSource,
  type SyntaxProblem,
} from "./check-syntax.ts";

const AT_ONCE = 4;
const ARGUMENT_BYTES = 100_000;

/** Each shell cell's first syntax error (or null); null when bash cannot run here. */
export async function checkShellSyntax(
  cells: readonly CellSource[],
  bash = "bash",
): Promise<Map<string, SyntaxProblem> | null> {
  if (cells.length === 0) return new Map();
  return checkCached("shell", cells, async (unknown) => {
    const answers: SyntaxProblem[] = new Array<SyntaxProblem>(unknown.length).fill(null);
    let next = 0;
    let missing = false;
    const worker = async () => {
      while (next < unknown.length && !missing) {
        const i = next++;
        const cell = unknown[i]!;
        const result = await parseWithBash(bash, cell.code);
        if ("missing" in result) missing = true;
        else answers[i] = parseBashError(result.stderr, cell.code);
      }
    };
    await Promise.all(Array.from({ length: Math.min(AT_ONCE, unknown.length) }, worker));
    return missing ? skipCheck("Shell cells", `${bash} was not found on this host`) : answers;
  });
}

/**
 * `bash -n -c CODE`: read from stdin bash names no line, and /dev/stdin cannot be opened when
 * stdin is a socket (as Node's pipes are). An argument may hold at most 128 KB on Linux: a
 * larger cell is parsed from a file.
 */
async function parseWithBash(bash: string, code: string) {
  if (Buffer.byteLength(code) < ARGUMENT_BYTES) return runProcess(bash, ["-n", "-c", code], "");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-check-"));
  try {
    const file = path.join(dir, "cell.sh");
    fs.writeFileSync(file, code);
    return await runProcess(bash, ["-n", file], "");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** bash's first complaint: "bash: -c: line 3: syntax error near unexpected token `fi'". */
export function parseBashError(stderr: string, code: string): SyntaxProblem {
  for (const text of stderr.split("\n")) {
    const match = /^.*?: line (\d+): (.*)$/.exec(text);
    // The line after an error quotes the offending line in backquotes: not a second error.
    if (!match || match[2]!.startsWith("`")) continue;
    const lines = code.split("\n").length;
    return { line: Math.min(Number(match[1]), lines), column: 1, message: match[2]! };
  }
  return null;
}
