// A backfill: a deployment run for every slot of one of its schedules between two times, or
// once per parameter set, with at most `maxInFlight` of its runs unfinished at once. The same
// shapes serve the API, the CLI and the studio.
import * as z from "zod";
import { FLOW_RUN_STATES, type FlowRunState } from "./run-states.ts";

const FlowRunStateSchema = z.enum(FLOW_RUN_STATES);

/** More slots than this is a typo in a date more often than a plan: split the range. */
export const MAX_BACKFILL_SLOTS = 10_000;
export const MAX_IN_FLIGHT = 100;
/** How many of the first slots a preview (and the studio's dialog) shows. */
export const BACKFILL_PREVIEW_SLOTS = 10;

export const BACKFILL_STATES = ["Running", "Completed", "Cancelled"] as const;
export const BackfillStateSchema = z
  .enum(BACKFILL_STATES)
  .describe(
    "Running: creating runs and waiting for them; Completed: every slot's run ended (failed ones are counted in `counts`); Cancelled: stopped, its waiting runs cancelled",
  );
export type BackfillState = z.infer<typeof BackfillStateSchema>;

const maxInFlight = z
  .int()
  .min(1)
  .max(MAX_IN_FLIGHT)
  .default(1)
  .describe(`at most this many of its runs unfinished at once (1 to ${MAX_IN_FLIGHT}, default 1)`);

const inputFields = {
  scheduleId: z.string().min(1).max(100).optional().describe("one of the deployment's schedules"),
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("the first slot at or after this instant (ISO 8601, with an offset or Z)"),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("the last slot at or before this instant"),
  parameterSets: z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .max(MAX_BACKFILL_SLOTS)
    .optional()
    .describe(
      "instead of a schedule: one run per set, each over the deployment's defaults (scheduled when it is created)",
    ),
  maxInFlight,
};

type InputFields = { scheduleId?: string; from?: string; to?: string; parameterSets?: unknown[] };
// Either a schedule with its range, or parameter sets; a range that runs forwards.
function checkInput(input: InputFields, ctx: z.RefinementCtx) {
  if (input.parameterSets !== undefined) {
    for (const key of ["scheduleId", "from", "to"] as const) {
      if (input[key] !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `give either "parameterSets" or "scheduleId", "from" and "to", not both`,
        });
      }
    }
    return;
  }
  for (const key of ["scheduleId", "from", "to"] as const) {
    if (input[key] === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: `"${key}" is required (or give "parameterSets" instead of a schedule's slots)`,
      });
    }
  }
  if (input.from && input.to && Date.parse(input.from) > Date.parse(input.to)) {
    ctx.addIssue({
      code: "custom",
      path: ["to"],
      message: `"to" (${input.to}) is before "from" (${input.from}): swap them`,
    });
  }
}

/** Either a schedule's slots between two times, or a list of parameter sets. */
export const BackfillInputSchema = z
  .strictObject(inputFields)
  .superRefine(checkInput)
  .meta({ id: "BackfillInput" });
export type BackfillInput = z.output<typeof BackfillInputSchema>;

export const BackfillPreviewRequestSchema = z
  .strictObject({
    deploymentId: z.string().min(1).max(100).describe("the deployment"),
    ...inputFields,
  })
  .superRefine(checkInput)
  .meta({ id: "BackfillPreviewRequest" });
export type BackfillPreviewRequest = z.output<typeof BackfillPreviewRequestSchema>;

export const BackfillPreviewSchema = z
  .object({
    /** How many runs it would create. */
    total: z.int(),
    /** The first slots (UTC, ISO 8601); empty for parameter sets. */
    firstSlots: z.array(z.string()),
    /** The same, as wall-clock times in the schedule's time zone. */
    firstSlotsLocal: z.array(z.string()),
    timezone: z.string().nullable(),
    description: z.string(),
  })
  .meta({ id: "BackfillPreview" });
export type BackfillPreview = z.infer<typeof BackfillPreviewSchema>;

/** How many of its runs are in each state; `notCreated` are slots whose run does not exist yet. */
export const BackfillCountsSchema = z.object({
  notCreated: z.int(),
  active: z.int().describe("created and not ended: Scheduled, Pending, Running or Cancelling"),
  // An object with every state named (not a record keyed by an enum: OpenAPI validators read
  // that as required properties that are never defined).
  byState: z.object(
    Object.fromEntries(FLOW_RUN_STATES.map((state) => [state, z.int()])) as Record<
      FlowRunState,
      z.ZodInt
    >,
  ),
});
export type BackfillCounts = z.infer<typeof BackfillCountsSchema>;

export const BackfillSchema = z
  .object({
    id: z.string(),
    deploymentId: z.string(),
    deployment: z.string().describe("FLOW/NAME"),
    scheduleId: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    description: z.string(),
    maxInFlight: z.int(),
    state: BackfillStateSchema,
    stateMessage: z.string().nullable(),
    total: z.int(),
    /** Runs that ended (any final state). */
    ended: z.int(),
    counts: BackfillCountsSchema,
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    endedAt: z.string().nullable(),
  })
  .meta({ id: "Backfill" });
export type BackfillView = z.infer<typeof BackfillSchema>;

export const BackfillRunSchema = z.object({
  id: z.string(),
  slot: z.int().describe("its position in the backfill, from 0"),
  scheduledAt: z.string(),
  state: FlowRunStateSchema,
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type BackfillRun = z.infer<typeof BackfillRunSchema>;

export const BackfillDetailSchema = BackfillSchema.extend({
  runs: z.array(BackfillRunSchema).describe("its runs, by slot"),
}).meta({ id: "BackfillDetail" });
export type BackfillDetail = z.infer<typeof BackfillDetailSchema>;

export const ListBackfillsResponseSchema = z.object({ backfills: z.array(BackfillSchema) });
