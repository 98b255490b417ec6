import type { Prisma } from "./generated/client.ts";

/**
 * A value for a Json column. Prisma's input type cannot express our zod-typed documents (their
 * optional fields), though every one of them is plain JSON by construction.
 */
export function toJson(value: unknown): Prisma.InputJsonValue {
  return value as Prisma.InputJsonValue;
}
