// Whether any agent will take a queue's runs: a deployment to a queue that no online agent
// serves (or whose tags no agent carries) would wait forever in silence. Said at deploy, on the
// run page while a run waits, and by `run --watch`.
import type { Db } from "../db/client.ts";
import { textArray } from "../runs/state-machine/sql.ts";
import { agentIsOnline } from "./online.ts";

/**
 * Why runs of `queue` with `tags` would not be claimed now, as sentences (empty when an online
 * agent serves them). Online as ./online.ts says.
 */
export async function agentCoverageWarnings(
  db: Db,
  target: { queue: string; tags: readonly string[]; leaseMs: number },
): Promise<string[]> {
  const [row] = await db.$queryRaw<{ serving: number; tagged: number; paused: boolean | null }[]>`
    SELECT
      count(*) FILTER (WHERE ${target.queue}::text = ANY(a.queues))::int AS serving,
      count(*) FILTER (WHERE ${target.queue}::text = ANY(a.queues)
        AND a.tags @> ${textArray(target.tags)}::text[])::int AS tagged,
      (SELECT paused FROM "WorkQueue" WHERE name = ${target.queue}) AS paused
    FROM "Agent" a
    WHERE ${agentIsOnline(target.leaseMs)}`;
  const warnings: string[] = [];
  if (row?.paused) {
    warnings.push(
      `work queue "${target.queue}" is paused: its runs wait until it is resumed (pipebook work-queue resume ${target.queue})`,
    );
  }
  if (!row || row.tagged === 0) {
    const withTags = target.tags.length ? ` with tags ${target.tags.join(", ")}` : "";
    const start = `node pipebook-agent.mjs start --queue ${target.queue}${target.tags.length ? ` --tags ${target.tags.join(",")}` : ""}`;
    warnings.push(
      row && row.serving > 0
        ? `no online agent serves work queue "${target.queue}"${withTags} (${row.serving} ${row.serving === 1 ? "serves" : "serve"} the queue without ${target.tags.length > 1 ? "those tags" : "that tag"}): start one with ${start}`
        : `no online agent serves work queue "${target.queue}"${withTags}: runs wait until one does (start one with ${start})`,
    );
  }
  return warnings;
}
