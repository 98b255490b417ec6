// Completion triggers in the background: a run's end ("run-ended", heard on every replica)
// fires the triggers watching it within milliseconds; a sweep every few seconds fires what an
// event missed (a crash between a run's end and its firing, a lost NOTIFY). Several replicas may
// fire the same run at once: the unique firing row lets exactly one of them create the run.
import type { DatabaseHandle } from "../db/client.ts";
import { subscribe } from "../events/bus.ts";
import { log } from "../log.ts";
import { runEndWatchers } from "../runs/run-end-watchers.ts";
import { fireCompletionTriggers, sweepCompletionTriggers } from "../triggers/fire-completion.ts";

// The sweep is a fallback: events fire in milliseconds; this bounds how late a missed one is.
const SWEEP_MS = 5000;

export function startTriggerFiring(handle: DatabaseHandle) {
  const ended = new Set<string>();
  let stopped = false;
  let wake: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const unsubscribe = subscribe("run-ended", (id) => {
    ended.add(id);
    wake();
  });

  async function step(sweep: boolean) {
    const db = handle.prisma;
    const created: string[] = [];
    if (sweep) created.push(...(await sweepCompletionTriggers(db)));
    // No active completion trigger anywhere: nothing to look up per run (run-end-watchers.ts).
    // Unknown (the database away): looked up per run, each failure taking its run off the set as
    // before this answer was remembered, so the loop does not spin on a failing read.
    const watched =
      ended.size > 0 &&
      (await runEndWatchers(db).then(
        (w) => w.triggers,
        () => true,
      ));
    for (const id of ended) {
      ended.delete(id);
      if (watched) created.push(...(await fireCompletionTriggers(db, id)));
    }
    if (created.length) log.info(`triggers: started ${created.length} run(s) on runs' ends`);
  }

  // One awaited loop: steps never overlap, and an error is logged, not fatal.
  const running = (async () => {
    let lastSweep = 0;
    while (!stopped) {
      const sweep = Date.now() - lastSweep >= SWEEP_MS;
      if (sweep) lastSweep = Date.now();
      await step(sweep).catch((error: unknown) =>
        log.error("firing triggers failed; the next sweep tries again", error),
      );
      if (stopped || ended.size) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, SWEEP_MS);
      });
      clearTimeout(timer);
      wake = () => undefined;
    }
  })();

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      wake();
      await running;
    },
  };
}
