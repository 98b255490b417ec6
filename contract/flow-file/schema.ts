// The flow file: the one shape that the studio, the CLI and the REST API read and write
// (../DESIGN.md "The flow file"). Structure is checked here; the rules that span tasks (names,
// dependencies, cycles) live in dag.ts, and the parameter schema's meaning in parameter-schema.ts.
import * as z from "zod";
import { declaredNamesSchema } from "../secrets.ts";

export const LANGUAGES = ["python", "typescript", "shell"] as const;
export type Language = (typeof LANGUAGES)[number];

export const FLOW_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
export const TASK_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

// Python tasks receive inputs as keyword arguments named after upstream tasks, so a task named
// like a Python keyword could never be bound by a Python cell downstream of it.
export const PYTHON_KEYWORDS = new Set([
  "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
  "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
  "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
]); // prettier-ignore

const MAX_SECONDS = 7 * 24 * 3600;

export const MAP_FAILURE_POLICIES = ["fail", "continue"] as const;
export type MapFailurePolicy = (typeof MAP_FAILURE_POLICIES)[number];

export const TaskNameSchema = z
  .string()
  .max(63, "must be at most 63 characters")
  .regex(
    TASK_NAME_PATTERN,
    "must start with a lowercase letter and hold only lowercase letters, digits and _ (e.g. get_stars)",
  )
  .refine((name) => !PYTHON_KEYWORDS.has(name), {
    message: "is a Python keyword, so a Python task could not take it as an argument",
  });

const SecondsSchema = z.number().min(0).max(MAX_SECONDS);

/**
 * What a cached task's key is made of (../cache-key.ts): `code+inputs` (the default) — the cell's
 * language, code and inputs, so editing the code misses; `inputs` — the flow, the task and its
 * inputs, so a code change (a log line, a refactor) keeps the cache; `none` — never cached.
 */
export const CACHE_KEY_POLICIES = ["code+inputs", "inputs", "none"] as const;
export type CacheKeyPolicy = (typeof CACHE_KEY_POLICIES)[number];
export const DEFAULT_CACHE_KEY_POLICY: CacheKeyPolicy = "code+inputs";

export const CachePolicySchema = z.strictObject({
  // Optional rather than defaulted, so a flow file exports as it was written.
  key: z
    .enum(CACHE_KEY_POLICIES, {
      error: `must be one of ${CACHE_KEY_POLICIES.join(", ")} (default code+inputs)`,
    })
    .optional(),
  expiresSeconds: z
    .int()
    .positive()
    .max(365 * 24 * 3600)
    .optional(),
});

/** pip requirements (./dependencies.ts checks each one's meaning on save). */
export const PythonDependenciesSchema = z.strictObject({
  requirements: z.array(z.string().max(500)).max(500, "at most 500 requirements"),
});

/** npm packages by name, each with a version range. */
export const TypeScriptDependenciesSchema = z.strictObject({
  packages: z.record(z.string(), z.string().max(200)).refine((p) => Object.keys(p).length <= 500, {
    message: "at most 500 packages",
  }),
});

export const TaskSchema = z.strictObject({
  name: TaskNameSchema,
  language: z.enum(LANGUAGES),
  code: z.string().max(1_000_000, "must be at most 1 MB"),
  dependsOn: z.array(z.string()).default([]),
  retries: z.int().min(0).max(100).default(0),
  retryDelaySeconds: z.union([SecondsSchema, z.array(SecondsSchema).min(1).max(100)]).default(0),
  retryBackoff: z.enum(["none", "exponential"]).default("none"),
  retryJitter: z.number().min(0).max(1).optional(),
  timeoutSeconds: z.number().positive().max(MAX_SECONDS).optional(),
  cache: CachePolicySchema.optional(),
  /** The secrets the task reads (Python get_secret, TypeScript secret(), shell $NAME); no others reach it. */
  secrets: declaredNamesSchema("secret").optional(),
  /** The variables the task reads (get_variable / variable(), shell $NAME). */
  variables: declaredNamesSchema("variable").optional(),
  /**
   * Fan-out (./mapping.ts): run the task once per item of a list — a parameter or a direct
   * upstream's result — or of several lists zipped (equal lengths).
   */
  map: z
    .union([z.string(), z.array(z.string()).min(1, "must name at least one list").max(20)])
    .optional(),
  /** Items of a mapped task in flight at once (default: the agent's task concurrency). */
  mapConcurrency: z.int().min(1).max(1000).optional(),
  /** fail (default): a failed item fails the task; continue: downstream gets what succeeded. */
  mapFailure: z.enum(MAP_FAILURE_POLICIES).optional(),
  /** This task's pip requirements, instead of the flow's (python tasks). */
  python: PythonDependenciesSchema.optional(),
  /** This task's npm packages, instead of the flow's (typescript tasks). */
  typescript: TypeScriptDependenciesSchema.optional(),
});

// The JSON Schema subset that parameters may use. Recursive: items and properties hold schemas.
export const PARAMETER_TYPES = [
  "string",
  "number",
  "integer",
  "boolean",
  "array",
  "object",
  "null",
] as const;

export type ParameterSchema = {
  type?: (typeof PARAMETER_TYPES)[number] | (typeof PARAMETER_TYPES)[number][];
  title?: string;
  description?: string;
  properties?: Record<string, ParameterSchema>;
  required?: string[];
  items?: ParameterSchema;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
};

const ParameterTypeSchema = z.enum(PARAMETER_TYPES);

export const ParameterSchemaSchema: z.ZodType<ParameterSchema> = z.lazy(() =>
  z.strictObject({
    type: z.union([ParameterTypeSchema, z.array(ParameterTypeSchema).min(1)]).optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    properties: z.record(z.string(), ParameterSchemaSchema).optional(),
    required: z.array(z.string()).optional(),
    items: ParameterSchemaSchema.optional(),
    enum: z.array(z.unknown()).min(1).optional(),
    default: z.unknown().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    minLength: z.int().min(0).optional(),
    maxLength: z.int().min(0).optional(),
    pattern: z.string().optional(),
  }),
);

export const EMPTY_PARAMETERS: ParameterSchema = { type: "object", properties: {} };

export const FlowFileSchema = z.strictObject({
  name: z
    .string()
    .max(100, "must be at most 100 characters")
    .regex(
      FLOW_NAME_PATTERN,
      "must start with a lowercase letter and hold only lowercase letters, digits and - (e.g. github-stars)",
    ),
  description: z.string().max(10_000).default(""),
  parameters: ParameterSchemaSchema.default(EMPTY_PARAMETERS),
  tasks: z.array(TaskSchema).max(2_000, "a flow may hold at most 2000 tasks").default([]),
  /** pip requirements of the flow's Python tasks (a task's own `python` replaces them). */
  python: PythonDependenciesSchema.optional(),
  /** npm packages of the flow's TypeScript tasks (a task's own `typescript` replaces them). */
  typescript: TypeScriptDependenciesSchema.optional(),
});

/** A flow file as written (defaults optional). */
export type FlowFileInput = z.input<typeof FlowFileSchema>;
/** A validated flow file with every default filled in. */
export type FlowFile = z.output<typeof FlowFileSchema>;
export type Task = z.output<typeof TaskSchema>;
