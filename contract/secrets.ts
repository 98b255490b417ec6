// Names and limits of secrets and variables, shared by the flow file (tasks declare the ones they
// use), the /api/v1 contract, the CLI and the studio. A secret reaches a shell task as an
// environment variable of its name, so names are what a shell accepts as a variable name.
import * as z from "zod";

export const SECRET_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Pipebook's own environment variables (PIPEBOOK_TASK, …) must not be shadowed by a value. */
export const RESERVED_NAME_PREFIX = "PIPEBOOK_";
/** Longest name; an environment variable name this long is already unusual. */
export const MAX_NAME_LENGTH = 128;
/** A secret's value at most (a PEM key or a service-account JSON fits many times over). */
export const MAX_SECRET_BYTES = 64 * 1024;
/** A variable's value at most, as JSON. */
export const MAX_VARIABLE_BYTES = 256 * 1024;
/** Names a task may declare of each kind. */
export const MAX_DECLARED = 100;

const nameSchema = (what: "secret" | "variable") =>
  z
    .string()
    .min(1, `a ${what} name may not be empty`)
    .max(MAX_NAME_LENGTH, `a ${what} name is at most ${MAX_NAME_LENGTH} characters`)
    .regex(
      SECRET_NAME_PATTERN,
      `a ${what} name starts with a letter or _ and holds only letters, digits and _ (e.g. GITHUB_TOKEN), as an environment variable name does`,
    )
    .refine((name) => !name.toUpperCase().startsWith(RESERVED_NAME_PREFIX), {
      message: `${what} names starting with ${RESERVED_NAME_PREFIX} are reserved for Pipebook's own variables`,
    });

export const SecretNameSchema = nameSchema("secret");
export const VariableNameSchema = nameSchema("variable");

/** A task's list of declared names: each valid, none twice. */
export const declaredNamesSchema = (what: "secret" | "variable") =>
  z
    .array(what === "secret" ? SecretNameSchema : VariableNameSchema)
    .max(MAX_DECLARED, `a task declares at most ${MAX_DECLARED} ${what}s`)
    .refine((names) => new Set(names).size === names.length, {
      message: `lists a ${what} twice`,
    });

/** How a secret is shown wherever its value would be: logs, results, errors. */
export const MASK = "***";
