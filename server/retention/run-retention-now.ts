// "Run now" (settings page, POST /api/v1/retention/passes): a pass at once, whenever the last one
// was — unless one is under way on some server, which this one does not run beside.
import type { RetentionView } from "../../contract/api-v1.ts";
import type { Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";
import type { Db } from "../db/client.ts";
import { PipebookError } from "../errors.ts";
import { claimRetentionPass, runRetentionPass } from "./retention-pass.ts";
import { getRetention } from "./get-retention.ts";

export async function runRetentionNow(db: Db, actor: Actor): Promise<RetentionView> {
  if (!(await claimRetentionPass(db, { everyMs: 0, force: true }))) {
    const { lastPass } = await getRetention(db);
    throw new PipebookError(
      "conflict",
      `a retention pass is under way (started ${lastPass?.startedAt ?? "just now"}); its result shows when it ends — try again then`,
    );
  }
  const tally = await runRetentionPass(db);
  await db.$transaction((tx) =>
    audit(
      tx,
      actor,
      "retention.run",
      { type: "retention", id: "global", name: "global" },
      {
        ...tally,
      },
    ),
  );
  return getRetention(db);
}
