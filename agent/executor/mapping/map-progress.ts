// How far a mapped task has got, for the tasks chained to it item by item: its item count once
// its lists are known, and each item's end as it comes. A chained task's item i waits on
// `item(i)` alone, so it may start while the rest of the upstream is still running.
import type { ItemEnd } from "./map-items.ts";

export class MapProgress {
  private countKnown: ((count: number | null) => void) | undefined;
  /** The item count, or null if the task ended without mapping (its lists were bad, or it did not run). */
  readonly count: Promise<number | null>;
  private ends: { promise: Promise<ItemEnd>; resolve: (end: ItemEnd) => void }[] = [];
  expanded = false;

  constructor() {
    this.count = new Promise((resolve) => (this.countKnown = resolve));
  }

  /** The task's lists are known: `count` items will end, each through `itemEnded`. */
  start(count: number): void {
    this.expanded = true;
    this.ends = Array.from({ length: count }, () => {
      let resolve!: (end: ItemEnd) => void;
      const promise = new Promise<ItemEnd>((r) => (resolve = r));
      return { promise, resolve };
    });
    this.countKnown?.(count);
  }

  /** The task ended without mapping (it was skipped, or its lists were refused). */
  abandon(): void {
    this.countKnown?.(null);
  }

  itemEnded(index: number, end: ItemEnd): void {
    this.ends[index]?.resolve(end);
  }

  item(index: number): Promise<ItemEnd> {
    return this.ends[index]!.promise;
  }
}
