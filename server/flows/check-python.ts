// Python cells are compiled — not run — when a flow is saved, so a syntax error is refused then,
// located to its cell and line, rather than found by the agent at run time. All cells of a save
// go to ONE python3 process (JSON in, JSON out). Measured here, with the 2 cores busy (load ~9):
// ~35–60 ms for a save of 1 new cell, ~60–100 ms for 200, nearly all of it the interpreter's
// start (-I -S: no site packages, no PYTHON* variables); cells already checked are answered
// from memory (<1 ms).
import {
  checkCached,
  runProcess,
  skipCheck,
  type CellSource,
  type SyntaxProblem,
} from "./check-syntax.ts";

// compile() parses and compiles without running anything. Warnings (an invalid escape) are not
// errors; null bytes and other ValueErrors are reported like syntax errors.
const SCRIPT = `
import json, sys, warnings
warnings.simplefilter("ignore")
out = []
for cell in json.loads(sys.stdin.buffer.read().decode("utf-8")):
    try:
        compile(cell["code"], "<task %s>" % cell["name"], "exec", dont_inherit=True)
        out.append(None)
    except SyntaxError as e:
        out.append({"line": e.lineno or 1, "column": e.offset or 1, "message": e.msg})
    except (ValueError, RecursionError, MemoryError) as e:
        out.append({"line": 1, "column": 1, "message": str(e) or type(e).__name__})
answer = {"version": sys.version.split()[0], "executable": sys.executable, "cells": out}
sys.stdout.buffer.write(json.dumps(answer).encode("utf-8"))
`;

export type PythonCheck = { version: string; problems: Map<string, SyntaxProblem> };

let version = "";
// The interpreter `python3` turned out to be. A version manager's shim (pyenv) is a shell
// script that costs ~0.3 s per start here; the interpreter it runs starts in ~20 ms.
const executables = new Map<string, string>();

/** Each Python cell's first syntax error (or null); null when python3 cannot run here. */
export async function checkPythonSyntax(
  cells: readonly CellSource[],
  python = "python3",
): Promise<PythonCheck | null> {
  if (cells.length === 0) return { version, problems: new Map() };
  const problems = await checkCached("python", cells, (unknown) => compileAll(unknown, python));
  return problems ? { version, problems } : null;
}

async function compileAll(
  cells: readonly CellSource[],
  python: string,
): Promise<SyntaxProblem[] | null> {
  const input = JSON.stringify(cells.map(({ name, code }) => ({ name, code })));
  const command = executables.get(python) ?? python;
  const result = await runProcess(command, ["-I", "-S", "-c", SCRIPT], input);
  if ("missing" in result) {
    if (command !== python) executables.delete(python);
    return skipCheck("Python cells", `${python} was not found on this host`);
  }
  try {
    const answer = JSON.parse(result.stdout) as {
      version: string;
      executable: string;
      cells: SyntaxProblem[];
    };
    if (answer.cells.length !== cells.length) throw new Error("one answer per cell expected");
    version = answer.version;
    if (answer.executable) executables.set(python, answer.executable);
    return answer.cells;
  } catch {
    return skipCheck(
      "Python cells",
      `${python} did not answer the check (${result.status}): ${result.stderr.trim().slice(0, 300)}`,
    );
  }
}
