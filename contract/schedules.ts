// A deployment's schedule as people write it — in a deployment file, the API, the CLI and the
// studio alike: exactly one of `cron`, `interval` or `rrule`, with a time zone for the two that
// name wall-clock times. The shape is checked here; whether the cron or RRULE text means
// anything is checked by server/schedules/schedule-rules.ts, which computes the slots.
import * as z from "zod";

/** Every N units: "30s", "15m", "2h", "1d" (a day is 24 hours: intervals are absolute). */
export const INTERVAL_PATTERN = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The shortest interval: the scheduler's slots are seconds apart at least. */
export const MIN_INTERVAL_MS = 1000;
/** Ten years: longer is a typo, not a schedule. */
const MAX_INTERVAL_MS = 3650 * UNIT_MS.d;

/** An interval's length in milliseconds, or null when the text is not an interval. */
export function intervalMs(text: string): number | null {
  const match = INTERVAL_PATTERN.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const scheduleFields = {
  cron: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'a cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5") or 6 with seconds first',
    ),
  interval: z
    .string()
    .trim()
    .max(20)
    .optional()
    .describe('every N seconds, minutes, hours or days: "30s", "15m", "2h", "1d"'),
  anchor: z.iso
    .datetime({ offset: true })
    .optional()
    .describe(
      "interval schedules: the slots are anchor + k × interval (default 1970-01-01T00:00:00Z)",
    ),
  rrule: z
    .string()
    .trim()
    .min(1)
    .max(1000)
    .optional()
    .describe(
      'an iCalendar RRULE, e.g. "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0" (optionally with a DTSTART line; by default the rule starts 2024-01-01 00:00, a Monday, in the time zone)',
    ),
  timezone: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .default("UTC")
    .describe('an IANA time zone for cron and RRULE times, e.g. "Europe/Paris" (default UTC)'),
};

type SpecFields = { cron?: string; interval?: string; anchor?: string; rrule?: string };
// Exactly one kind, and a well-formed interval: the rules both schemas below share.
const checkSpec = (spec: SpecFields, ctx: z.RefinementCtx) => {
  const kinds = (["cron", "interval", "rrule"] as const).filter((k) => spec[k] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: "custom",
      message:
        kinds.length === 0
          ? 'give one of "cron", "interval" or "rrule"'
          : `give only one of "cron", "interval" or "rrule" (this has ${kinds.join(" and ")})`,
    });
    return;
  }
  if (spec.interval !== undefined) {
    const ms = intervalMs(spec.interval);
    if (ms === null) {
      ctx.addIssue({
        code: "custom",
        path: ["interval"],
        message: `"${spec.interval}" is not an interval: write a number and a unit, e.g. "30s", "15m", "2h" or "1d"`,
      });
    } else if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["interval"],
        message: `"${spec.interval}" is out of range: from 1s to 3650d`,
      });
    }
  } else if (spec.anchor !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["anchor"],
      message: '"anchor" applies to interval schedules only',
    });
  }
};

export const ScheduleSpecSchema = z.strictObject(scheduleFields).superRefine(checkSpec);
export type ScheduleSpec = z.output<typeof ScheduleSpecSchema>;
export type ScheduleSpecInput = z.input<typeof ScheduleSpecSchema>;

/** A schedule as saved on a deployment: its rule, whether it runs, its parameters. */
export const ScheduleInputSchema = z
  .strictObject({
    ...scheduleFields,
    active: z.boolean().default(true).describe("false: kept, but creates no runs"),
    parameters: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("parameters of the runs it creates, over the deployment's defaults"),
  })
  .superRefine(checkSpec)
  .meta({ id: "ScheduleInput" });
export type ScheduleInput = z.output<typeof ScheduleInputSchema>;

export const ScheduleSchema = z
  .object({
    id: z.string(),
    deploymentId: z.string(),
    cron: z.string().nullable(),
    interval: z.string().nullable(),
    anchor: z.string().nullable(),
    rrule: z.string().nullable(),
    timezone: z.string(),
    active: z.boolean(),
    parameters: z.record(z.string(), z.unknown()),
    /** In words: "every 15m", "cron 0 9 * * 1-5 (Europe/Paris)". */
    description: z.string(),
    /** The next time it fires (null: paused, or the rule has ended). */
    nextRunAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Schedule" });
export type ScheduleView = z.infer<typeof ScheduleSchema>;

export const ListSchedulesResponseSchema = z.object({ schedules: z.array(ScheduleSchema) });

/** What to do with slots missed while no scheduler ran (the server was down). */
export const CatchupPolicySchema = z
  .enum(["skip", "latest", "all"])
  .describe("missed slots: skip them, run the latest (default), or run the latest catchupMax");
export type CatchupPolicy = z.infer<typeof CatchupPolicySchema>;

/**
 * What a schedule's run does when its slot comes while an earlier run of the same deployment is
 * still active: start anyway (allow), be skipped, wait for it with at most one run waiting
 * (bufferOne, "queue one"), or cancel the earlier run and start once it has stopped.
 */
export const OverlapPolicySchema = z
  .enum(["allow", "skip", "bufferOne", "cancelPrevious"])
  .describe(
    "a scheduled run whose slot comes while the deployment's previous run is still going: allow (default), skip, bufferOne (wait; at most one waits), cancelPrevious",
  );
export type OverlapPolicy = z.infer<typeof OverlapPolicySchema>;

/** A deployment declares at most this many schedules. */
export const MAX_SCHEDULES = 20;

/** How many upcoming times a preview shows by default, and at most. */
export const PREVIEW_COUNT = 10;
export const MAX_PREVIEW_COUNT = 100;

export const SchedulePreviewRequestSchema = z
  .strictObject({
    schedule: ScheduleSpecSchema,
    after: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("the times after this instant (default: now)"),
    count: z.int().min(1).max(MAX_PREVIEW_COUNT).default(PREVIEW_COUNT),
  })
  .meta({ id: "SchedulePreviewRequest" });

export const SchedulePreviewResponseSchema = z
  .object({
    /** The next times, as instants (UTC, ISO 8601). */
    times: z.array(z.string()),
    /** The same times as wall-clock times in the schedule's time zone, with their offset. */
    local: z.array(z.string()),
    timezone: z.string(),
    /** In words, e.g. "every 15 minutes" or the cron/RRULE text with its zone. */
    description: z.string(),
  })
  .meta({ id: "SchedulePreview" });
export type SchedulePreview = z.infer<typeof SchedulePreviewResponseSchema>;
