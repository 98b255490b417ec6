// Types for TypeScript cells: the "pipebook" module (its logger, as the agent's SDK provides it)
// and `Inputs<"task">`, the object a task's main() receives — the flow's parameters typed from
// their schema, and each upstream task's result. A TypeScript upstream's result type is inferred
// by the TypeScript worker from that cell's own code; Python and shell results cannot be known
// before they run, so they are `any` rather than forcing defensive checks on every use.
import type { ParameterSchema } from "@/contract/flow-file/schema";
import type { Draft } from "../draft";

/** Where each cell's Monaco model lives; TypeScript cells import each other's types by it. */
export function cellModelPath(key: string, language: string): string {
  const ext = language === "typescript" ? "ts" : language === "python" ? "py" : "sh";
  return `file:///cells/${key}.${ext}`;
}

export const INPUT_TYPES_PATH = "file:///pipebook-inputs.d.ts";

export function schemaType(schema: ParameterSchema | undefined, depth = 0): string {
  if (!schema || depth > 8) return "any";
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ") || "never";
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return schema.properties ? objectType(schema, depth) : "any";
  return types
    .map((type) => {
      switch (type) {
        case "string":
          return "string";
        case "number":
        case "integer":
          return "number";
        case "boolean":
          return "boolean";
        case "null":
          return "null";
        case "array":
          return `Array<${schemaType(schema.items, depth + 1)}>`;
        case "object":
          return objectType(schema, depth);
      }
    })
    .join(" | ");
}

function objectType(schema: ParameterSchema, depth: number): string {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return "Record<string, any>";
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([name, prop]) => {
    // A default is filled in before the task runs, so the value is always there.
    const optional = !required.has(name) && prop.default === undefined;
    return `${JSON.stringify(name)}${optional ? "?" : ""}: ${schemaType(prop, depth + 1)};`;
  });
  return `{ ${fields.join(" ")} }`;
}

export function inputTypesLib(draft: Pick<Draft, "tasks" | "parameters">): string {
  const byName = new Map(draft.tasks.map((t) => [t.name, t]));
  const parameters = draft.parameters.properties ?? {};
  const required = new Set(draft.parameters.required ?? []);
  const entries = draft.tasks.map((task) => {
    const fields = new Map<string, string>();
    for (const [name, prop] of Object.entries(parameters)) {
      const optional = !required.has(name) && prop.default === undefined;
      fields.set(name, `${JSON.stringify(name)}${optional ? "?" : ""}: ${schemaType(prop)};`);
    }
    for (const upstream of task.dependsOn) {
      const source = byName.get(upstream);
      const type =
        source?.language === "typescript"
          ? `__Result<typeof import("./cells/${source.key}")>`
          : "any";
      fields.set(upstream, `${JSON.stringify(upstream)}: ${type};`);
    }
    return `    ${JSON.stringify(task.name)}: { ${[...fields.values()].join(" ")} };`;
  });
  return `declare module "pipebook" {
  type __Result<M> = M extends { default: (...args: any[]) => infer R }
    ? Awaited<R>
    : M extends { main: (...args: any[]) => infer R }
      ? Awaited<R>
      : any;
  /** What each task's main() receives: the flow's parameters and its upstream tasks' results. */
  export interface TaskInputs {
${entries.join("\n")}
  }
  /** The inputs of the task named T. */
  export type Inputs<T extends string> = T extends keyof TaskInputs ? TaskInputs[T] : Record<string, any>;
  type Log = (...args: unknown[]) => void;
  /** Lines logged here appear in the run's logs with their level. */
  export const logger: { debug: Log; info: Log; warn: Log; warning: Log; error: Log };
  /** The value of a secret the task declares (secrets: [NAME] in its settings). */
  export function secret(name: string): string;
  /** The value of a variable the task declares (variables: [NAME] in its settings). */
  export function variable(name: string): any;
  /** Saves an artifact of this attempt: bytes or text, or a copy of the file at { path }. */
  export function saveArtifact(name: string, data: string | Uint8Array | { path: string }): string;
  const pipebook: {
    logger: typeof logger;
    secret: typeof secret;
    variable: typeof variable;
    saveArtifact: typeof saveArtifact;
  };
  export default pipebook;
}
declare const process: { env: Record<string, string | undefined>; argv: string[]; exit(code?: number): never; cwd(): string };
`;
}
