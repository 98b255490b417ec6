// What an agent claims: a run, with everything needed to execute it (its tasks' code, what an
// earlier attempt kept, its dependencies and their locks, its run token), and the task context
// that token opens.
import * as z from "zod";
import { isoTime } from "../api-v1/common.ts";
import {
  PythonDependenciesSchema,
  TaskSchema,
  TypeScriptDependenciesSchema,
} from "../flow-file/schema.ts";
import { MAX_WAIT_MS } from "./common.ts";
import { EnvironmentLockSchema } from "./locks.ts";
import { StoredResultSchema } from "./results.ts";

/** Where a run's tasks execute (../../DESIGN.md "Runners"). */
export const RUNNER_KINDS = ["process", "docker", "kubernetes", "dask"] as const;
export type RunnerKind = (typeof RUNNER_KINDS)[number];

export const ClaimRequestSchema = z.strictObject({
  capacity: z.int().min(1).max(100),
  waitMs: z.int().min(0).max(MAX_WAIT_MS).default(25_000),
});
export type ClaimRequest = z.input<typeof ClaimRequestSchema>;

/** A task as the agent executes it: the flow file's task with its code ready to run. */
export const ExecutableTaskSchema = TaskSchema.extend({
  /** JavaScript for TypeScript cells (compiled at save), the source for the others. */
  code: z.string(),
}).strip();
export type ExecutableTask = z.infer<typeof ExecutableTaskSchema>;

/** An item of a `mapFailure: continue` task that did not complete, as its downstream sees it. */
export const MapFailureSchema = z.object({
  index: z.int().min(0),
  error: z.object({ type: z.string(), message: z.string() }),
});
export type MapFailure = z.infer<typeof MapFailureSchema>;

export const CompletedTaskSchema = z.object({
  state: z.enum(["Completed", "Cached"]),
  /** The value; null when `stored` says where it is. */
  result: z.unknown(),
  stored: StoredResultSchema.optional(),
  /** A completed `mapFailure: continue` task's failed items. */
  failures: z.array(MapFailureSchema).optional(),
});

/** What a resumed run's mapped task kept from earlier attempts: done items and attempt counts. */
export const PriorItemsSchema = z.object({
  /** By item index: the items that completed (not run again, their results reused). */
  completed: z.record(z.string(), CompletedTaskSchema),
  /** By item index: attempts each item made; numbering continues from there. */
  attempts: z.record(z.string(), z.int()),
});
export type PriorItems = z.infer<typeof PriorItemsSchema>;

export const ClaimedRunSchema = z.object({
  flowRunId: z.uuid(),
  leaseId: z.uuid(),
  leaseExpiresAt: isoTime,
  /** 1 for the first execution; more for a flow-level retry, which resumes. */
  attempt: z.int(),
  flow: z.object({ name: z.string(), version: z.int() }),
  /** id null for a notebook cell run started without a deployment. */
  deployment: z.object({ id: z.uuid().nullable(), name: z.string() }),
  runner: z.object({
    kind: z.enum(RUNNER_KINDS),
    image: z.string().nullable(),
    /** For `dask`: the scheduler's address (tcp://host:8786); null to use the agent's own. */
    daskScheduler: z.string().nullable().optional(),
  }),
  parameters: z.record(z.string(), z.unknown()),
  /** When the run was to start: its slot for a scheduled run. (Absent from older servers.) */
  scheduledAt: isoTime.optional(),
  /** In topological order. */
  tasks: z.array(ExecutableTaskSchema),
  /** Tasks that completed in an earlier attempt: not run again, their results reused. */
  completed: z.record(z.string(), CompletedTaskSchema),
  /** Attempts each task made in earlier attempts of the flow run; numbering continues from there. */
  priorAttempts: z.record(z.string(), z.int()),
  /** Mapped tasks that did not complete in an earlier attempt: what their items kept, by task. */
  items: z.record(z.string(), PriorItemsSchema).default({}),
  /**
   * This claim's run token: it opens the run's task context (declared secrets and variables) and
   * nothing else, and stops working when the run ends, its lease lapses or it is claimed again.
   * The agent keeps it; tasks get the values, never the token. (Absent from older servers.)
   */
  runToken: z.string().optional(),
  /** The flow's own dependencies (a task's `python` / `typescript` replaces them for that task). */
  dependencies: z
    .object({
      python: PythonDependenciesSchema.optional(),
      typescript: TypeScriptDependenciesSchema.optional(),
    })
    .default({}),
  /** Locks recorded for this flow version, by environment spec hash: install exactly these. */
  locks: z.record(z.string(), EnvironmentLockSchema).default({}),
});
export type ClaimedRun = z.infer<typeof ClaimedRunSchema>;

export const ClaimResponseSchema = z.object({ runs: z.array(ClaimedRunSchema) });
export type ClaimResponse = z.infer<typeof ClaimResponseSchema>;

// ---------------------------------------------------------------- task context

/**
 * GET /api/v1/run-context/tasks/{task}, with `Authorization: Bearer <run token>`: the secrets and
 * variables the task declares, by name — asked by the agent as each attempt starts.
 */
export const TaskContextResponseSchema = z.object({
  secrets: z.record(z.string(), z.string()),
  variables: z.record(z.string(), z.unknown()),
});
export type TaskContext = z.infer<typeof TaskContextResponseSchema>;
