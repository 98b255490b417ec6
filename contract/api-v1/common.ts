// Shapes every part of the /api/v1 contract uses: names, tags, parameter values, times, errors.
import { z } from "zod";

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

// ---------------------------------------------------------------- errors

export const ApiErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      /** Problems of a flow file or of parameters, each with its own location. */
      issues: z.array(z.record(z.string(), z.unknown())).optional(),
    }),
  })
  .meta({ id: "Error" });
export type ApiError = z.infer<typeof ApiErrorSchema>;

export const HealthResponseSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  database: z.enum(["pglite", "postgres"]),
});
