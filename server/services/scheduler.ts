// The scheduler: every second, the runs of due schedules are created (server/schedules), runs
// that overlap an earlier one are settled by their deployment's overlap policy, and agents
// waiting on a queue are woken when a run created ahead of time reaches its slot — so a scheduled
// run starts on time, not on an agent's next long-poll. Safe with several replicas.
import type { DatabaseHandle } from "../db/client.ts";
import { publish } from "../events/bus.ts";
import { log } from "../log.ts";
import { resolveOverlaps } from "../schedules/resolve-overlaps.ts";
import { scheduleDueRuns } from "../schedules/schedule-due-runs.ts";

// Slots are whole seconds at the finest (6-field cron, "1s" intervals); a step costs one
// indexed read when nothing is due.
const INTERVAL_MS = 1000;

export function startScheduler(handle: DatabaseHandle) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let lastStep = new Date();

  async function step() {
    const db = handle.prisma;
    const now = new Date();
    const created = await scheduleDueRuns(db, now);
    if (created.length) log.info(`scheduler: created ${created.length} scheduled run(s)`);
    const settled = await resolveOverlaps(db, now);
    if (settled) log.info(`scheduler: cancelled ${settled} run(s) by overlap policies`);
    // Runs whose slot came since the last step, whoever created them: wake their queues.
    const due = await db.$queryRaw<{ name: string }[]>`
      SELECT DISTINCT q.name FROM "FlowRun" r JOIN "WorkQueue" q ON q.id = r."workQueueId"
      WHERE r.state = 'Scheduled' AND r."scheduledAt" > ${lastStep}::timestamptz
        AND r."scheduledAt" <= ${now}::timestamptz`;
    lastStep = now;
    for (const { name } of due) publish("run-queued", name);
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      running = step()
        .catch((error: unknown) => log.error("the scheduler failed; it will try again", error))
        .finally(() => schedule(INTERVAL_MS));
    }, delay);
  }
  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
