// The lanes of a mapped task, grown toward `mapConcurrency` only while its items are slow.
//
// `mapConcurrency` caps the items in flight; it does not ask for that many interpreters. Items
// that wait (an HTTP call, a sleep, a Dask future) need every lane to overlap their waits, but
// trivial items gain nothing from more kernels than cores: sixteen Node kernels on this 2-core
// VM ran 10,000 trivial items in 4.6 s against 2.7–3.3 s with two lanes, mostly switching
// between each other (executor alone, no server). So a task starts with as many lanes as the
// machine has cores and, every tick, adds one lane for each lane whose current item has run a
// whole tick: slow items double the lanes per tick (16 lanes ~100 ms after the start), quick ones
// never grow them. A lane waiting for its kernel to start is not slow (every first item would be),
// nor one waiting for an upstream item (more lanes would only wait too).
// A tick that fired late means the agent's own loop was blocked (items only looked slow), so it
// measures nothing.
import os from "node:os";

export type LaneWork<L> = {
  /** How many items there are to run (positions 0 … count-1, taken in order). */
  count: number;
  /** Items in flight at most. */
  max: number;
  signal: AbortSignal;
  open(): L;
  close(lane: L): void;
  /** Whether the lane's item is waiting to begin (for its interpreter to start, an upstream item). */
  waiting(lane: L): boolean;
  run(position: number, lane: L): Promise<void>;
};

/** An item running this long is slow: worth another lane beside it. */
export const SLOW_ITEM_MS = 40;

export async function runInLanes<L>(
  work: LaneWork<L>,
  options: { first?: number; slowMs?: number } = {},
): Promise<number> {
  const slowMs = options.slowMs ?? SLOW_ITEM_MS;
  const first = options.first ?? os.availableParallelism();
  let next = 0;
  const lanes: { lane: L; since: number | undefined; done: Promise<void> }[] = [];
  const more = () => next < work.count && !work.signal.aborted;

  const startLane = () => {
    const state: (typeof lanes)[number] = {
      lane: work.open(),
      since: undefined,
      done: Promise.resolve(),
    };
    state.done = (async () => {
      try {
        while (more()) {
          const position = next++;
          state.since = performance.now();
          await work.run(position, state.lane);
          state.since = undefined;
        }
      } finally {
        state.since = undefined;
        work.close(state.lane);
      }
    })();
    lanes.push(state);
  };

  const room = () => Math.min(work.max, work.count) - lanes.length;
  for (let i = Math.min(first, room()); i > 0; i--) startLane();

  const tickMs = slowMs / 2;
  let lastTick = performance.now();
  const timer = setInterval(() => {
    const t = performance.now();
    const late = t - lastTick > tickMs * 2;
    lastTick = t;
    if (late || !more() || room() <= 0) return;
    let slow = 0;
    for (const state of lanes) {
      if (state.since === undefined) continue;
      // Waiting restarts the clock: the item has been slow only since it was last seen waiting.
      if (work.waiting(state.lane)) state.since = t;
      else if (t - state.since >= slowMs) slow++;
    }
    for (let i = Math.min(slow, room(), work.count - next); i > 0; i--) startLane();
  }, tickMs);
  try {
    // Lanes started while waiting are awaited too: the loop reads the length each time.
    for (let i = 0; i < lanes.length; i++) await lanes[i]!.done;
  } finally {
    clearInterval(timer);
  }
  return lanes.length;
}
