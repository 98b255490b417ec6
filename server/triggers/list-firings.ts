// A trigger's recent firings, newest first: what the studio, the API and the CLI show.
import type { TriggerFiringView } from "../../contract/triggers.ts";
import type { Db } from "../db/client.ts";
import { getTrigger } from "./save-trigger.ts";

const RECENT = 50;

export async function listFirings(db: Db, triggerId: string): Promise<TriggerFiringView[]> {
  await getTrigger(db, triggerId);
  const rows = await db.triggerFiring.findMany({
    where: { triggerId },
    orderBy: { at: "desc" },
    take: RECENT,
  });
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    sourceRunId: r.sourceRunId,
    runId: r.runId,
    error: r.error,
  }));
}
