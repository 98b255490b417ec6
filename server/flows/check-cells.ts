// Syntax errors in Python and shell cells, found at save time like TypeScript's (which esbuild
// reports while compiling): each located to its task and to the line and column of its code.
import type { FlowIssue } from "../../contract/flow-file/issues.ts";
import type { FlowFile } from "../../contract/flow-file/schema.ts";
import { checkPythonSyntax } from "./check-python.ts";
import { checkShellSyntax } from "./check-shell.ts";

/** The interpreters that check cells; null turns a language's check off. */
export type Interpreters = { python?: string | null; bash?: string };

/** The syntax error of each task that has one, by task name. */
export async function cellSyntaxIssues(
  flow: FlowFile,
  interpreters: Interpreters = {},
): Promise<Map<string, FlowIssue>> {
  const cellsOf = (language: string) =>
    flow.tasks.filter((t) => t.language === language).map(({ name, code }) => ({ name, code }));
  const [python, shell] = await Promise.all([
    interpreters.python === null ? null : checkPythonSyntax(cellsOf("python"), interpreters.python),
    checkShellSyntax(cellsOf("shell"), interpreters.bash),
  ]);
  const issues = new Map<string, FlowIssue>();
  flow.tasks.forEach((task, index) => {
    const problem =
      task.language === "python"
        ? python?.problems.get(task.name)
        : task.language === "shell"
          ? shell?.get(task.name)
          : undefined;
    if (!problem) return;
    const what =
      task.language === "python"
        ? `Python syntax error at line ${problem.line}, column ${problem.column}`
        : `shell syntax error at line ${problem.line}`;
    // The server's Python may differ from an agent's: say which one refused the cell.
    const checkedWith =
      task.language === "python" && python?.version
        ? ` (checked with Python ${python.version}; PIPEBOOK_CHECK_PYTHON on the server picks another Python, or "off")`
        : "";
    issues.set(task.name, {
      path: ["tasks", index, "code"],
      task: task.name,
      field: "code",
      codeLocation: { line: problem.line, column: problem.column },
      message: `task "${task.name}": ${what} of its code: ${problem.message}${checkedWith}`,
    });
  });
  return issues;
}
