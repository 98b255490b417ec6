// Retention in the background: every minute this server tries to claim the hourly pass
// (server/retention/retention-pass.ts); with several replicas one of them wins it, the others'
// claims change nothing. The first try waits a minute, so start-up is not slowed by deletes.
import type { DatabaseHandle } from "../db/client.ts";
import { log } from "../log.ts";
import { claimRetentionPass, runRetentionPass } from "../retention/retention-pass.ts";

const TICK_MS = 60_000;
export const RETENTION_EVERY_MS = 60 * 60_000;

export function startRetention(handle: DatabaseHandle) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const stopping = new AbortController();

  async function tick() {
    if (await claimRetentionPass(handle.prisma, { everyMs: RETENTION_EVERY_MS })) {
      await runRetentionPass(handle.prisma, { signal: stopping.signal });
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch((error: unknown) => log.error("retention failed; it will try again", error))
        .finally(schedule);
    }, TICK_MS);
  }
  schedule();

  return {
    async stop() {
      stopped = true;
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
