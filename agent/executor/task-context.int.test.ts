// Declared secrets and variables reaching real Python, TypeScript and shell tasks (python3, node
// and bash child processes): each task reads what it declares and nothing else, the agent masks
// the values in what it sends, and a kernel reused by the next task keeps nothing of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskContext } from "../../contract/agent-protocol.ts";
import {
  claimedRun,
  execute,
  logsOf,
  resultOf,
  startKernels,
  taskEvent,
  type Kernels,
} from "../../test/support/agent-harness.ts";
import type { TaskContextLookup } from "./task-context.ts";

let kernels: Kernels;
beforeAll(() => {
  kernels = startKernels();
});
afterAll(async () => {
  await kernels.close();
});

const TOKEN = "tok-8c1f5e0a9b";
const OTHER = "other-4d2e7f";

/** What the server would answer: each task's declared names only. */
function server(declared: Record<string, TaskContext>): {
  lookup: TaskContextLookup;
  asked: string[];
} {
  const asked: string[] = [];
  return {
    asked,
    lookup: async (task) => {
      asked.push(task);
      const context = declared[task];
      return context ? { ok: true, context } : { ok: false, error: `no context for ${task}` };
    },
  };
}

describe("a task's declared secrets and variables", () => {
  it("reach Python, TypeScript and shell tasks, each only its own, masked in what the agent sends", async () => {
    const run = await claimedRun({
      name: "reads-secrets",
      tasks: [
        {
          name: "py",
          language: "python",
          secrets: ["TOKEN"],
          variables: ["REGION"],
          code: [
            "from pipebook import get_secret, get_variable, NotDeclaredError",
            "def main():",
            "    print('token is', get_secret('TOKEN'))",
            "    try:",
            "        get_secret('OTHER')",
            "    except NotDeclaredError as error:",
            "        refused = str(error)",
            "    return {'token': get_secret('TOKEN'), 'region': get_variable('REGION'), 'refused': refused}",
          ].join("\n"),
        },
        {
          name: "ts",
          language: "typescript",
          secrets: ["TOKEN"],
          code: [
            'import { secret, variable } from "pipebook";',
            "export default function main() {",
            '  console.log("token is", secret("TOKEN"));',
            "  let refused = '';",
            '  try { variable("REGION"); } catch (e) { refused = `${(e as Error).name}: ${(e as Error).message}`; }',
            '  return { token: secret("TOKEN"), refused };',
            "}",
          ].join("\n"),
        },
        {
          name: "sh",
          language: "shell",
          secrets: ["OTHER"],
          variables: ["REGION"],
          code: 'echo "other is $OTHER, region $REGION, token ${TOKEN:-not given}"\necho "$OTHER"',
        },
        // Runs after py in the same warm kernel, declaring nothing.
        {
          name: "after",
          language: "python",
          dependsOn: ["py"],
          code: [
            "from pipebook import get_secret, NotDeclaredError",
            "def main():",
            "    try:",
            "        return get_secret('TOKEN')",
            "    except NotDeclaredError as error:",
            "        return str(error)",
          ].join("\n"),
        },
      ],
    });
    const { lookup, asked } = server({
      py: { secrets: { TOKEN }, variables: { REGION: { name: "eu", zone: 2 } } },
      ts: { secrets: { TOKEN }, variables: {} },
      sh: { secrets: { OTHER }, variables: { REGION: "eu-west-1" } },
    });
    const { end, events } = await execute(kernels, run, { taskContext: lookup });
    expect(end).toBe("Completed");
    // Only tasks that declare something ask for it.
    expect(asked.sort()).toEqual(["py", "sh", "ts"]);

    expect(resultOf(events, "py")).toEqual({
      token: TOKEN,
      region: { name: "eu", zone: 2 },
      refused:
        'task "py" does not declare secret "OTHER": add it to the task in the flow file (secrets: [OTHER]); a task reads only the secrets it declares',
    });
    expect(resultOf(events, "ts")).toEqual({
      token: TOKEN,
      refused:
        'NotDeclaredError: task "ts" does not declare variable "REGION": add it to the task in the flow file (variables: [REGION]); a task reads only the variables it declares',
    });
    expect(resultOf(events, "after")).toBe(
      'task "after" does not declare secret "TOKEN": add it to the task in the flow file (secrets: [TOKEN]); a task reads only the secrets it declares',
    );
    // The shell task's result is its last line: the value, which downstream tasks may use (the
    // server masks what it stores).
    expect(resultOf(events, "sh")).toBe(OTHER);

    const lines = (task: string) => logsOf(events, task).map((l) => l.message);
    expect(lines("py")).toEqual(["token is ***"]);
    expect(lines("ts")).toEqual(["token is ***"]);
    expect(lines("sh")).toEqual(["other is ***, region eu-west-1, token not given", "***"]);
  });

  it("fails the attempt with the reason when they cannot be fetched, and never runs the code", async () => {
    const run = await claimedRun({
      name: "missing-secret",
      tasks: [
        {
          name: "needs",
          language: "shell",
          secrets: ["GONE"],
          code: "echo should-not-run",
        },
      ],
    });
    const { end, events } = await execute(kernels, run, {
      taskContext: async () => ({
        ok: false,
        error: 'task "needs" of flow "missing-secret" declares secret "GONE", which does not exist',
      }),
    });
    expect(end).toBe("Failed");
    expect(taskEvent(events, "needs", "Failed").error).toEqual({
      type: "TaskContextUnavailable",
      message:
        'could not get the secrets and variables task "needs" declares: task "needs" of flow "missing-secret" declares secret "GONE", which does not exist',
    });
    expect(logsOf(events, "needs").map((l) => l.message)).not.toContain("should-not-run");
  });
});
