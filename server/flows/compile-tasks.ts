// Turning a flow's cells into what agents execute, at save time: TypeScript is compiled to
// JavaScript here (agents then need nothing but Node), Python is compiled and shell parsed to
// find syntax errors (server/flows/check-cells.ts), and every cell is checked for the entry
// point the binding calls — so a broken cell is refused on save rather than at 3 a.m.
import * as esbuild from "esbuild";
import type { FlowIssue } from "../../contract/flow-file/issues.ts";
import type { FlowFile, Task } from "../../contract/flow-file/schema.ts";
import { cellSyntaxIssues, type Interpreters } from "./check-cells.ts";

/** Executable code per task name (JavaScript for TypeScript cells, the source otherwise). */
export type CompiledTasks = Record<string, string>;

export type CompileResult =
  { ok: true; compiled: CompiledTasks } | { ok: false; issues: FlowIssue[] };

export async function compileTasks(
  flow: FlowFile,
  interpreters: Interpreters = {},
): Promise<CompileResult> {
  const [results, syntax] = await Promise.all([
    Promise.all(flow.tasks.map((task, index) => compileTask(task, index))),
    cellSyntaxIssues(flow, interpreters),
  ]);
  // A cell's syntax error says more than what the entry-point check made of the broken code.
  const issues = results.flatMap((r, i) => {
    const broken = syntax.get(flow.tasks[i]!.name);
    if (broken) return [broken];
    return "issues" in r ? r.issues : [];
  });
  if (issues.length) return { ok: false, issues };
  const compiled: CompiledTasks = {};
  results.forEach((r, i) => {
    if ("code" in r) compiled[flow.tasks[i]!.name] = r.code;
  });
  return { ok: true, compiled };
}

type TaskResult = { code: string } | { issues: FlowIssue[] };

async function compileTask(task: Task, index: number): Promise<TaskResult> {
  const at = { path: ["tasks", index, "code"], task: task.name, field: "code" };
  switch (task.language) {
    case "typescript":
      return compileTypeScript(task, at);
    case "python":
      // A `def main` at the start of a line, also `async def`; decorators may come before it.
      if (!/^(async[ \t]+)?def[ \t]+main[ \t]*\(/m.test(task.code)) {
        return {
          issues: [
            {
              ...at,
              message: `task "${task.name}": a Python cell must define main(...), e.g. "def main(${exampleArgs(task)}):"`,
            },
          ],
        };
      }
      return { code: task.code };
    case "shell":
      return { code: task.code };
    default:
      return task.language satisfies never;
  }
}

function exampleArgs(task: Task): string {
  return task.dependsOn.length ? task.dependsOn.join(", ") : "";
}

async function compileTypeScript(
  task: Task,
  at: Pick<FlowIssue, "path" | "task" | "field">,
): Promise<TaskResult> {
  try {
    const result = await esbuild.build({
      stdin: { contents: task.code, loader: "ts", sourcefile: `${task.name}.ts` },
      write: false,
      bundle: false,
      format: "esm",
      platform: "node",
      target: "node20",
      // Stack traces of a failing task then point at the lines of the cell, not of the output.
      sourcemap: "inline",
      metafile: true,
      logLevel: "silent",
    });
    const exports = Object.values(result.metafile.outputs)[0]?.exports ?? [];
    if (!exports.includes("default") && !exports.includes("main")) {
      return {
        issues: [
          {
            ...at,
            message: `task "${task.name}": a TypeScript cell must export its entry point: "export default function main(…)" or "export function main(…)"`,
          },
        ],
      };
    }
    return { code: result.outputFiles[0]!.text };
  } catch (error) {
    const failure = error as esbuild.BuildFailure;
    if (!Array.isArray(failure.errors)) throw error;
    return {
      issues: failure.errors.map((e) => {
        const codeLocation = e.location
          ? { line: e.location.line, column: e.location.column + 1 }
          : undefined;
        const where = codeLocation
          ? ` at line ${codeLocation.line}, column ${codeLocation.column}`
          : "";
        return {
          ...at,
          codeLocation,
          message: `task "${task.name}": TypeScript syntax error${where} of its code: ${e.text}`,
        };
      }),
    };
  }
}
