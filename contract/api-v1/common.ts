// Shapes every part of the /api/v1 contract uses: names, tags, parameter values, times, errors.
import * as z from "zod";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const nameSchema = (what: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(
      NAME,
      `${what} must start with a letter or digit and hold only letters, digits, ".", "_" and "-"`,
    );

export const WorkQueueNameSchema = nameSchema("a work queue name");
export const DeploymentNameSchema = nameSchema("a deployment name");
export const TagSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/,
    'a tag must start with a letter or digit and hold only letters, digits, ".", "_", ":", "/" and "-"',
  );

export const ParameterValuesSchema = z.record(z.string(), z.unknown());

export const isoTime = z.iso.datetime();

// ---------------------------------------------------------------- bounds of inputs
// What callers send is bounded here by what the database can hold, so that an out-of-range value
// is a clear 400 (BAD_REQUEST in tRPC), never a database error.

/** The largest value of PostgreSQL's `integer`: flow versions and log line numbers are ones. */
export const MAX_DB_INT = 2_147_483_647;

export const FlowVersionNumberSchema = z
  .int("a flow version is a whole number")
  .min(1, "a flow version is a number from 1")
  .max(MAX_DB_INT, `a flow version is at most ${MAX_DB_INT}`);

/**
 * A time a filter takes: ISO-8601 with an offset, in years 1 to 9999 (UTC). PostgreSQL cannot
 * read year 0 or earlier as Prisma writes it, and JavaScript's dates end at 275760.
 */
export const TimeFilterSchema = z.iso.datetime({ offset: true }).refine(
  (text) => {
    const year = new Date(text).getUTCFullYear();
    return year >= 1 && year <= 9999;
  },
  { message: "a time must fall in the years 1 to 9999" },
);

// ---------------------------------------------------------------- errors

export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      /** Problems of a flow file or of parameters, each with its own location. */
      issues: z.array(z.record(z.string(), z.unknown())).optional(),
      /**
       * On `lease_lost`: the run was taken over from this agent, and the batch's log lines were
       * stored all the same; the agent should send the lines it still holds, then forget the run.
       */
      lateLogsStored: z.boolean().optional(),
    }),
  })
  .meta({ id: "Error" });
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const HealthResponseSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  database: z.enum(["pglite", "postgres"]),
  /** This server process; with several replicas, the one that leads runs the background services. */
  replica: z.object({
    id: z.string(),
    leader: z.boolean(),
    /** Since when it leads (or follows). */
    since: isoTime,
  }),
});
