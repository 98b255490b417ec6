import { setImmediate as tick } from "node:timers/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { runInLanes } from "./elastic-lanes.ts";

type Lane = { waiting: boolean };

/** Runs `count` items with `item`, counting the lanes opened and the most items in flight. */
async function run(
  count: number,
  max: number,
  item: (position: number, lane: Lane) => Promise<void>,
  first = 2,
) {
  let inFlight = 0;
  let most = 0;
  const ran: number[] = [];
  const lanes = await runInLanes<Lane>(
    {
      count,
      max,
      signal: new AbortController().signal,
      open: () => ({ waiting: false }),
      close: () => undefined,
      waiting: (lane) => lane.waiting,
      run: async (position, lane) => {
        most = Math.max(most, ++inFlight);
        await item(position, lane);
        inFlight--;
        ran.push(position);
      },
    },
    { first, slowMs: 20 },
  );
  return { lanes, most, ran };
}

describe("elastic lanes", () => {
  it("runs every item once, in order of taking, with as many lanes as cores when items are quick", async () => {
    const { lanes, most, ran } = await run(2_000, 16, () => tick());
    expect(lanes).toBe(2);
    expect(most).toBe(2);
    expect([...ran].sort((a, b) => a - b)).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
  });

  it("grows to the cap while items are slow, and never past it", async () => {
    const { lanes, most } = await run(40, 8, () => sleep(80));
    expect(lanes).toBe(8);
    expect(most).toBe(8);
  });

  it("starts no more lanes than there are items", async () => {
    const { lanes } = await run(3, 16, () => sleep(80), 4);
    expect(lanes).toBe(3);
  });

  it("does not count a lane waiting before its item (a kernel starting, an upstream item) as slow", async () => {
    const { lanes } = await run(6, 16, async (_position, lane) => {
      lane.waiting = true;
      await sleep(60);
      lane.waiting = false;
    });
    expect(lanes).toBe(2);
  });

  it("stops taking items once the run is cancelled", async () => {
    const abort = new AbortController();
    let started = 0;
    await runInLanes<Lane>(
      {
        count: 100,
        max: 4,
        signal: abort.signal,
        open: () => ({ waiting: false }),
        close: () => undefined,
        waiting: () => false,
        run: async () => {
          if (++started === 3) abort.abort();
          await tick();
        },
      },
      { first: 2, slowMs: 20 },
    );
    expect(started).toBeLessThanOrEqual(4);
  });
});
