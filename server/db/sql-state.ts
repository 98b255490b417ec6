// What the database answered when a statement failed, through Prisma's driver adapters: both
// (PGlite's and pg's) put PostgreSQL's SQLSTATE at meta.driverAdapterError.cause.originalCode
// of a PrismaClientKnownRequestError (P2010 for raw SQL; seen on both, 2026-12-03).

type AdapterFailure = {
  meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } };
};

/** PostgreSQL's SQLSTATE of a failed statement, or null when `error` is not one. */
export function sqlState(error: unknown): string | null {
  const code = (error as AdapterFailure | null)?.meta?.driverAdapterError?.cause?.originalCode;
  return typeof code === "string" ? code : null;
}

/**
 * A statement that lost to a concurrent one — a serialization failure (40001, also what
 * `pipebook_abort` raises) or a deadlock (40P01): it changed nothing, and running it again may
 * succeed.
 */
export function isWriteConflict(error: unknown): boolean {
  const state = sqlState(error);
  return state === "40001" || state === "40P01";
}
