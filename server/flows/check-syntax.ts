// What Python and shell syntax checks share: the answer per cell, a cache of answers by code
// (saving a flow again mostly re-checks cells that did not change), and the rule that a check
// whose interpreter is missing on the server's host is skipped — said once — rather than
// refusing every save.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { log } from "../log.ts";

/** A cell's first syntax error, 1-based within its code; null when the cell parses. */
export type SyntaxProblem = { line: number; column: number; message: string } | null;

export type CellSource = { name: string; code: string };

const CACHE_ENTRIES = 5_000;
// A check that takes longer is given up (and the save goes on unchecked).
const TIMEOUT_MS = 15_000;
const cache = new Map<string, SyntaxProblem>();
const skipped = new Set<string>();

const keyOf = (language: string, code: string) =>
  `${language}:${crypto.createHash("sha256").update(code).digest("base64")}`;

/**
 * Checks the cells not already known, with `check` (which answers null when the check cannot
 * run); answers per cell name, or null when the check was skipped.
 */
export async function checkCached(
  language: "python" | "shell",
  cells: readonly CellSource[],
  check: (cells: readonly CellSource[]) => Promise<SyntaxProblem[] | null>,
): Promise<Map<string, SyntaxProblem> | null> {
  const answers = new Map<string, SyntaxProblem>();
  const unknown: (CellSource & { key: string })[] = [];
  for (const cell of cells) {
    const key = keyOf(language, cell.code);
    const known = cache.get(key);
    if (known !== undefined) answers.set(cell.name, known);
    else unknown.push({ ...cell, key });
  }
  if (unknown.length === 0) return answers;
  const checked = await check(unknown);
  if (!checked) return null;
  unknown.forEach((cell, i) => {
    const problem = checked[i] ?? null;
    answers.set(cell.name, problem);
    cache.set(cell.key, problem);
  });
  // A Map keeps insertion order: the oldest answers go first.
  for (const key of cache.keys()) {
    if (cache.size <= CACHE_ENTRIES) break;
    cache.delete(key);
  }
  return answers;
}

/** Says once per process that a check is skipped, and why. */
export function skipCheck(what: string, why: string): null {
  if (!skipped.has(what)) {
    skipped.add(what);
    log.warn(`${what} are not syntax-checked at save: ${why}`);
  }
  return null;
}

export type ProcessResult = { missing: true } | { stdout: string; stderr: string; status: string };

/** Runs a program with `input` on stdin; `missing` when it does not exist here. */
export function runProcess(command: string, args: string[], input: string): Promise<ProcessResult> {
  return new Promise((resolve) => {
    // The server's environment: neither check runs code (python3 -I ignores PYTHON* variables;
    // bash -n reads no startup file), and PATH finds the interpreter agents here would use.
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT_MS);
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(
        error.code === "ENOENT"
          ? { missing: true }
          : { stdout: "", stderr: error.message, status: error.code ?? "error" },
      );
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        status: signal ?? `code ${code}`,
      });
    });
    // A program that exits without reading all of its input must not crash the server.
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}
