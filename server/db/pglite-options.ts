// The embedded PostgreSQL's memory settings, in one place: the server, its first-start child
// (pglite-init-main.ts) and the int-pglite test tier all open PGlite with these.
//
// PGlite is PostgreSQL compiled to WebAssembly: its memory is one wasm linear memory that grows
// and never shrinks, so every buffer PostgreSQL touches once stays resident for the life of the
// process. PostgreSQL's defaults (shared_buffers 128 MB, zeroed at start) are sized for a
// dedicated database server; Pipebook's embedded database serves one user on what may be a
// small VM. Measured on this machine (Node 20, --liftoff-only, a migrated data folder opened and
// 200 catalogue queries run; RSS of that process alone):
//   PostgreSQL's defaults (shared_buffers 128 MB)   245 MB
//   shared_buffers 16 MB                            134 MB   (8 MB: 118 MB)
//   the settings below                              133–137 MB (same: they only cap peaks)
// The others cap what one statement may take (a sort, an index build, a temporary table): after
// a single large query that memory would otherwise stay resident for good.
import { PGlite } from "@electric-sql/pglite";

export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  // PostgreSQL's own page cache; the operating system's file cache sits under it anyway.
  shared_buffers: "16MB",
  // Derived from shared_buffers by default (1/32); set so a larger shared_buffers does not grow it.
  wal_buffers: "512kB",
  // Per sort or hash step; larger sorts spill to temporary files, as on PostgreSQL.
  work_mem: "2MB",
  // Index builds and VACUUM (the migrations' CREATE INDEX); 64 MB by default.
  maintenance_work_mem: "16MB",
  // Per session, for temporary tables (Pipebook creates none).
  temp_buffers: "2MB",
};

/** PGlite's own start parameters (single-user mode and its flags) followed by the settings. */
export function pgliteStartParams(): string[] {
  return [
    ...PGlite.defaultStartParams,
    ...Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
  ];
}
