// Dependency locks: the exact versions the first build of a flow version's dependency set
// resolved, reported by the agent that built it and handed to every later claim (./claims.ts).
import * as z from "zod";

/** Longest a lock may be, as JSON (a package-lock.json of a few hundred packages is ~200 KB). */
export const MAX_LOCK_BYTES = 2 * 1024 * 1024;

/**
 * The exact versions a dependency build resolved: `pip freeze`'s lines for Python; for
 * TypeScript each installed package's version by its path in node_modules, and the
 * package-lock.json that `npm ci` installs again exactly.
 */
export const EnvironmentLockSchema = z.discriminatedUnion("language", [
  z.strictObject({
    language: z.literal("python"),
    requirements: z.array(z.string().max(1000)).max(10_000),
  }),
  z.strictObject({
    language: z.literal("typescript"),
    packages: z.record(z.string().max(1000), z.string().max(200)),
    packageLock: z.record(z.string(), z.unknown()),
  }),
]);
export type EnvironmentLock = z.infer<typeof EnvironmentLockSchema>;

export const LockReportRequestSchema = z
  .strictObject({
    leaseId: z.uuid(),
    /** The environment's spec hash (contract/flow-file/environment-spec.ts). */
    specHash: z.string().regex(/^[0-9a-f]{32}$/, "must be an environment spec hash"),
    lock: EnvironmentLockSchema,
  })
  .refine((r) => JSON.stringify(r.lock).length <= MAX_LOCK_BYTES, {
    message: `a lock is at most ${MAX_LOCK_BYTES / 1024 / 1024} MB as JSON`,
    path: ["lock"],
  });
export type LockReportRequest = z.infer<typeof LockReportRequestSchema>;

export const LockReportResponseSchema = z.object({
  /** False when a lock was recorded before (by another run or agent): `lock` is that one. */
  recorded: z.boolean(),
  lock: EnvironmentLockSchema,
});
export type LockReportResponse = z.infer<typeof LockReportResponseSchema>;
