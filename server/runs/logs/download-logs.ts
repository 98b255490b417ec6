// The whole log of a run as text (contract/log-text.ts), produced page by page as the client
// reads it: a run of 1,000,000 lines is ~60 MB, never held in memory at once.
import { formatLogLine } from "../../../contract/log-text.ts";
import type { Db } from "../../db/client.ts";
import type { LogFilters } from "./read-chunks.ts";
import { runLogs, scanForwards } from "./read-logs.ts";

const PAGE_LINES = 20_000;

/** Checks the run exists (so a wrong id is a 404, not an empty file), then streams its lines. */
export async function downloadRunLogs(
  db: Db,
  runId: string,
  filters: LogFilters,
): Promise<ReadableStream<Uint8Array>> {
  const { total } = await runLogs(db, runId);
  const encoder = new TextEncoder();
  let after = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (after >= total) {
        controller.close();
        return;
      }
      const scan = await scanForwards(
        db,
        runId,
        { after, upTo: total, limit: PAGE_LINES },
        filters,
      );
      after = scan.exhausted ? total : scan.scannedTo;
      if (scan.lines.length)
        controller.enqueue(encoder.encode(scan.lines.map((l) => `${formatLogLine(l)}\n`).join("")));
    },
  });
}
