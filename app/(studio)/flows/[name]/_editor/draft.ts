// The editor's model of a flow being edited: the flow file's fields, with each task carrying a
// stable key (names change while people type; React and Monaco need something that does not).
// Pure: every change is an action of the reducer, so the cells, the graph and the saved draft
// can never disagree.
import { cycleIfConnected } from "@/contract/flow-file/dag";
import type {
  FlowFile,
  FlowFileInput,
  Language,
  ParameterSchema,
  Task,
} from "@/contract/flow-file/schema";
import type { Dependencies } from "@/contract/flow-file/dependencies";

export type DraftTask = Task & { key: string };

export type Draft = {
  name: string;
  description: string;
  parameters: ParameterSchema;
  tasks: DraftTask[];
} & Dependencies;

export type DraftAction =
  | { type: "load"; draft: Draft }
  | { type: "add-task"; key: string; language: Language; after?: string }
  | { type: "remove-task"; key: string }
  | { type: "rename-task"; key: string; name: string }
  | { type: "update-task"; key: string; patch: Partial<Omit<Task, "name" | "dependsOn">> }
  /** Code typed in cells, by task key (typing reaches the draft in batches). */
  | { type: "set-code"; code: Readonly<Record<string, string>> }
  | { type: "set-language"; key: string; language: Language }
  | { type: "connect"; source: string; target: string }
  | { type: "disconnect"; source: string; target: string }
  | { type: "set-parameters"; parameters: ParameterSchema }
  | { type: "set-description"; description: string }
  /** The flow's own dependencies (the Dependencies dialog): replaces both lists. */
  | { type: "set-dependencies"; dependencies: Dependencies };

let counter = 0;
/** A key unique in this page's life. */
export function newKey(): string {
  counter += 1;
  return `t${Date.now().toString(36)}${counter}`;
}

export function fromFlowFile(flow: FlowFile): Draft {
  return {
    name: flow.name,
    description: flow.description,
    parameters: flow.parameters,
    tasks: flow.tasks.map((t) => ({ ...t, key: newKey() })),
    ...(flow.python ? { python: flow.python } : {}),
    ...(flow.typescript ? { typescript: flow.typescript } : {}),
  };
}

/** The flow file to save: task keys dropped, optional fields left out when unset. */
export function toFlowFile(draft: Draft): FlowFileInput {
  return {
    name: draft.name,
    description: draft.description,
    parameters: draft.parameters,
    ...(draft.python ? { python: draft.python } : {}),
    ...(draft.typescript ? { typescript: draft.typescript } : {}),
    tasks: draft.tasks.map(({ key: _key, ...task }) => {
      const out: Record<string, unknown> = { ...task };
      for (const field of [
        "retryJitter",
        "timeoutSeconds",
        "cache",
        "secrets",
        "variables",
        "map",
        "mapConcurrency",
        "mapFailure",
        "python",
        "typescript",
      ] as const) {
        if (out[field] === undefined || out[field] === null) delete out[field];
      }
      return out as NonNullable<FlowFileInput["tasks"]>[number];
    }),
  };
}

/** Starter code for a new cell, showing how inputs arrive in that language. */
export function starterCode(language: Language, name: string): string {
  switch (language) {
    case "python":
      return `def main():\n    print("hello from ${name}")\n    return 1\n`;
    case "typescript":
      return `import { logger, type Inputs } from "pipebook";\n\nexport default function main(inputs: Inputs<"${name}">) {\n  logger.info("hello from ${name}");\n  return 1;\n}\n`;
    case "shell":
      return `echo "hello from ${name}"\n`;
  }
}

/** The first free name of the form task_1, task_2… */
export function freeTaskName(tasks: readonly { name: string }[], base = "task"): string {
  const taken = new Set(tasks.map((t) => t.name));
  for (let i = 1; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function newTask(key: string, language: Language, tasks: readonly DraftTask[]): DraftTask {
  const name = freeTaskName(tasks);
  return {
    key,
    name,
    language,
    code: starterCode(language, name),
    dependsOn: [],
    retries: 0,
    retryDelaySeconds: 0,
    retryBackoff: "none",
  };
}

/**
 * Whether connecting source → target (target depends on source) is allowed; when it would close
 * a cycle, the message names it as the refusal shown on the spot.
 */
export function checkConnection(
  tasks: readonly DraftTask[],
  source: string,
  target: string,
): { ok: true } | { ok: false; message: string } {
  if (source === target)
    return { ok: false, message: `a task cannot depend on itself (${source})` };
  const cycle = cycleIfConnected(tasks, source, target);
  if (cycle) {
    return {
      ok: false,
      message: `Refused: connecting ${source} → ${target} would close the cycle ${cycle.join(" → ")}`,
    };
  }
  return { ok: true };
}

function mapTask(draft: Draft, key: string, change: (t: DraftTask) => DraftTask): Draft {
  return { ...draft, tasks: draft.tasks.map((t) => (t.key === key ? change(t) : t)) };
}

export function draftReducer(draft: Draft, action: DraftAction): Draft {
  switch (action.type) {
    case "load":
      return action.draft;
    case "add-task": {
      const task = newTask(action.key, action.language, draft.tasks);
      const at = action.after ? draft.tasks.findIndex((t) => t.key === action.after) + 1 : 0;
      const tasks = [...draft.tasks];
      tasks.splice(at > 0 ? at : tasks.length, 0, task);
      return { ...draft, tasks };
    }
    case "remove-task": {
      const removed = draft.tasks.find((t) => t.key === action.key);
      if (!removed) return draft;
      return {
        ...draft,
        tasks: draft.tasks
          .filter((t) => t.key !== action.key)
          .map((t) =>
            t.dependsOn.includes(removed.name)
              ? { ...t, dependsOn: t.dependsOn.filter((d) => d !== removed.name) }
              : t,
          ),
      };
    }
    case "rename-task": {
      const old = draft.tasks.find((t) => t.key === action.key)?.name;
      if (old === undefined || old === action.name) return draft;
      // Dependents follow the rename, as they would in a refactoring IDE — also a map over
      // the renamed task's result.
      const follow = (n: string) => (n === old ? action.name : n);
      return {
        ...draft,
        tasks: draft.tasks.map((t) => {
          if (t.key === action.key) return { ...t, name: action.name };
          if (!t.dependsOn.includes(old)) return t;
          const map =
            t.map === undefined
              ? undefined
              : typeof t.map === "string"
                ? follow(t.map)
                : t.map.map(follow);
          return {
            ...t,
            dependsOn: t.dependsOn.map(follow),
            ...(map !== undefined ? { map } : {}),
          };
        }),
      };
    }
    case "update-task":
      return mapTask(draft, action.key, (t) => ({ ...t, ...action.patch }));
    case "set-code":
      return {
        ...draft,
        tasks: draft.tasks.map((t) => {
          const code = action.code[t.key];
          return code === undefined || code === t.code ? t : { ...t, code };
        }),
      };
    case "set-language":
      // Untouched starter code follows the language; code someone wrote is never replaced.
      return mapTask(draft, action.key, (t) => ({
        ...t,
        language: action.language,
        code:
          t.code === starterCode(t.language, t.name)
            ? starterCode(action.language, t.name)
            : t.code,
      }));
    case "connect": {
      const target = draft.tasks.find((t) => t.name === action.target);
      if (!target || target.dependsOn.includes(action.source)) return draft;
      if (!checkConnection(draft.tasks, action.source, action.target).ok) return draft;
      return mapTask(draft, target.key, (t) => ({
        ...t,
        dependsOn: [...t.dependsOn, action.source],
      }));
    }
    case "disconnect": {
      const target = draft.tasks.find((t) => t.name === action.target);
      if (!target) return draft;
      return mapTask(draft, target.key, (t) => ({
        ...t,
        dependsOn: t.dependsOn.filter((d) => d !== action.source),
      }));
    }
    case "set-parameters":
      return { ...draft, parameters: action.parameters };
    case "set-description":
      return { ...draft, description: action.description };
    case "set-dependencies": {
      const { python: _p, typescript: _t, ...rest } = draft;
      return { ...rest, ...action.dependencies };
    }
  }
}

/** Whether two drafts would save as the same flow file. */
export function sameFlow(a: Draft, b: Draft): boolean {
  return JSON.stringify(toFlowFile(a)) === JSON.stringify(toFlowFile(b));
}
