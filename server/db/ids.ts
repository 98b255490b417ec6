// Ids are UUIDs in the database; a malformed one in a URL would make PostgreSQL raise an error.
// Checking first lets services answer "not found" instead, which is what it means to a caller.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Prisma's error for a unique constraint (two writers raced to create the same row). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}
