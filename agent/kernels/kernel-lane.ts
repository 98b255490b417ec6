// A lane of a mapped task: one worker that runs items one after another, holding its kernels
// between them. Taking a kernel from the pool for every item would hand kernels back and forth
// through an idle list capped at a few per group (kernel-pool.ts), so 16 lanes would keep
// starting and killing interpreters; a lane pays the start-up once. A kernel that was killed
// (timeout, cancel) or died is dropped and the next item gets a fresh one.
import type { KernelGroup } from "../runners/run-folders.ts";
import type { KernelLanguage, KernelPool } from "./kernel-pool.ts";
import type { KernelProcess } from "./kernel-process.ts";

export class KernelLane {
  private held = new Map<KernelLanguage, KernelProcess>();
  // The group each held kernel came from (a task with dependencies: its environment's group),
  // so it goes back to that group's idle list and never to another's.
  private groups = new WeakMap<KernelProcess, KernelGroup>();
  // Which kernel holds which items' common inputs (the kernels' `shared`).
  private holding = new WeakMap<KernelProcess, string>();
  private waits = 0;

  constructor(
    private readonly pool: KernelPool,
    private readonly group: KernelGroup,
  ) {}

  async acquire(language: KernelLanguage, group: KernelGroup = this.group): Promise<KernelProcess> {
    const kernel = this.held.get(language);
    if (kernel?.alive && this.groups.get(kernel)?.key === group.key) return kernel;
    if (kernel) this.done(language, kernel, kernel.alive, true);
    const fresh = await this.waitFor(this.pool.acquire(language, group));
    this.held.set(language, fresh);
    this.groups.set(fresh, group);
    return fresh;
  }

  /**
   * Waits for what an item needs before it can run (its kernel to start, an upstream item):
   * meanwhile the lane is `waiting`, not slow (elastic-lanes.ts).
   */
  async waitFor<T>(before: Promise<T>): Promise<T> {
    this.waits++;
    try {
      return await before;
    } finally {
      this.waits--;
    }
  }

  get waiting(): boolean {
    return this.waits > 0;
  }

  /**
   * What of `inputs` to send to `kernel` for an item: the inputs common to all items (`common`)
   * go once per kernel; after that an item sends only its own values. Every item also gets the
   * flow's parameters whole — a 10,000-element list parameter would otherwise travel with each
   * of 10,000 items.
   */
  inputsFor(
    kernel: KernelProcess,
    inputs: Record<string, unknown>,
    common: { id: string; keys: readonly string[] },
  ): { inputs: Record<string, unknown>; shared: { id: string; values?: Record<string, unknown> } } {
    const own: Record<string, unknown> = { ...inputs };
    const values: Record<string, unknown> = {};
    for (const key of common.keys) {
      values[key] = inputs[key];
      delete own[key];
    }
    if (this.holding.get(kernel) === common.id) return { inputs: own, shared: { id: common.id } };
    this.holding.set(kernel, common.id);
    return { inputs: own, shared: { id: common.id, values } };
  }

  /** After an item: a healthy kernel stays for the next item, a broken one goes. */
  done(language: KernelLanguage, kernel: KernelProcess, healthy: boolean, leaving = false): void {
    if (healthy && kernel.alive && !leaving) return;
    if (this.held.get(language) === kernel) this.held.delete(language);
    this.pool.release(language, this.groups.get(kernel) ?? this.group, kernel, healthy && leaving);
  }

  /** The lane's work is over: its kernels go back to the pool. */
  close(): void {
    for (const [language, kernel] of this.held)
      this.pool.release(language, this.groups.get(kernel) ?? this.group, kernel, true);
    this.held.clear();
  }
}
