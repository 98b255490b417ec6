// For the hot-SQL tests of leases and reports: a run claimed as an agent holds it (its lease and
// the last batch number sent), its lease moved in the database's own time, and report batches
// sent under it — all against the file's one test database.
import type { LogBlock, ReportEvent } from "../../contract/agent-protocol.ts";
import type { Db } from "../../server/db/client.ts";
import { applyReport } from "../../server/runs/apply-report.ts";
import { claimFlowRuns } from "../../server/runs/state-machine/index.ts";
import { LEASE_MS, type HotSetup } from "./state-history.ts";

export type Held = { id: string; leaseId: string; seq: number };

/** `test` is the file's freshDatabase(): its `db` is read only inside tests. */
export function heldRuns(test: { readonly db: Db }) {
  /** Claims a new run of the setup's deployment (or `id`, queued again) and holds it. */
  async function claimOne(s: HotSetup, id?: string): Promise<Held> {
    const runId = id ?? (await s.newRun());
    const rows = await claimFlowRuns(test.db, s.claim);
    const row = rows.find((r) => r.id === runId);
    if (!row) throw new Error(`run ${runId} was not claimed (claimed: ${rows.map((r) => r.id)})`);
    return { id: runId, leaseId: row.leaseId, seq: 0 };
  }

  /** Sets a run's lease to end `ms` from the database's now (negative: already ended). */
  async function leaseEndsIn(id: string, ms: number) {
    await test.db.$executeRaw`UPDATE "FlowRun"
      SET "leaseExpiresAt" = now() + ${ms}::float8 * interval '1 millisecond' WHERE id = ${id}::uuid`;
  }

  /** Sends a batch under the held lease: the next number, unless `seq` sends another again. */
  function report(
    held: Held,
    events: ReportEvent[],
    options: { seq?: number; logs?: LogBlock[] } = {},
  ) {
    return applyReport(
      test.db,
      held.id,
      { leaseId: held.leaseId, seq: options.seq ?? ++held.seq, events, logs: options.logs ?? [] },
      { leaseMs: LEASE_MS },
    );
  }

  return { claimOne, leaseEndsIn, report };
}
