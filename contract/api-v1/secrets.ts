// /api/v1 shapes of secrets and variables. A secret's value goes in (PUT) and never comes out:
// answers name it, say when it changed and who changed it. Variables are plain values, read back
// with every earlier version.
import * as z from "zod";
import {
  MAX_SECRET_BYTES,
  MAX_VARIABLE_BYTES,
  SecretNameSchema,
  VariableNameSchema,
} from "../secrets.ts";
import { isoTime } from "./common.ts";

// TextEncoder rather than Buffer: these schemas also check forms in the browser.
const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** Shortest secret: a shorter one would be masked wherever its characters appear in a log. */
export const MIN_SECRET_LENGTH = 4;

export const SecretNameParamsSchema = z.object({
  name: SecretNameSchema.describe("The secret's name"),
});
export const VariableNameParamsSchema = z.object({
  name: VariableNameSchema.describe("The variable's name"),
});

// ---------------------------------------------------------------- secrets

export const SecretSchema = z
  .object({
    name: z.string(),
    createdAt: isoTime,
    updatedAt: isoTime,
    /** Who set the current value (null when that user was deleted). */
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "Secret" });
export type SecretView = z.infer<typeof SecretSchema>;

export const ListSecretsResponseSchema = z.object({ secrets: z.array(SecretSchema) });

export const SecretValueSchema = z
  .string()
  .min(MIN_SECRET_LENGTH, {
    message: `a secret is at least ${MIN_SECRET_LENGTH} characters: a shorter value would be masked wherever those characters appear in a log (use a variable for values that are not secret)`,
  })
  .refine((v) => utf8Bytes(v) <= MAX_SECRET_BYTES, {
    message: `a secret is at most ${MAX_SECRET_BYTES / 1024} KB`,
  })
  .refine((v) => !v.includes("\u0000"), {
    message:
      "a secret may not hold a NUL character (it could not be passed in an environment variable)",
  });

export const SetSecretRequestSchema = z.strictObject({
  /** Write-only: stored encrypted, given only to tasks that declare the secret, never returned. */
  value: SecretValueSchema,
});

export const SetSecretResponseSchema = SecretSchema.extend({
  /** False when a secret of this name existed and its value was replaced. */
  created: z.boolean(),
});

// ---------------------------------------------------------------- variables

export const VariableSchema = z
  .object({
    name: z.string(),
    /** Any JSON value; a string stays a string. */
    value: z.unknown(),
    /** 1 for the first value; each change adds one. */
    version: z.int(),
    createdAt: isoTime,
    updatedAt: isoTime,
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "Variable" });
export type VariableView = z.infer<typeof VariableSchema>;

export const ListVariablesResponseSchema = z.object({ variables: z.array(VariableSchema) });

export const VariableValueSchema = z
  .unknown()
  .refine((v) => v !== undefined, { message: "a variable needs a value" })
  .refine((v) => utf8Bytes(JSON.stringify(v) ?? "") <= MAX_VARIABLE_BYTES, {
    message: `a variable is at most ${MAX_VARIABLE_BYTES / 1024} KB as JSON`,
  });

export const SetVariableRequestSchema = z.strictObject({
  /** Any JSON value: a string, a number, an object… */
  value: VariableValueSchema,
});

export const SetVariableResponseSchema = VariableSchema.extend({
  /** False when the value equalled the current one: no new version was made. */
  changed: z.boolean(),
});

export const VariableVersionSchema = z.object({
  version: z.int(),
  value: z.unknown(),
  createdAt: isoTime,
  createdBy: z.string().nullable(),
});

export const VariableHistoryResponseSchema = z.object({
  name: z.string(),
  /** Newest first. */
  versions: z.array(VariableVersionSchema),
});
export type VariableHistory = z.infer<typeof VariableHistoryResponseSchema>;
