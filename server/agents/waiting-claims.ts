// Agents long-polling for work, by this server process. A trigger that finds one waiting on the
// run's queue (and carrying the run's tags) creates the run already claimed by that agent and
// hands it over in memory: the enqueue itself wakes the claim, with no claim query between the
// two — on the embedded database, several milliseconds of the dispatch path (docs/benchmarks.md).
// Runs that find no waiting agent here are queued as usual and announced to every replica.
import type { ClaimedRow } from "../runs/state-machine/index.ts";

export type Handoff = { rows: ClaimedRow[] } | { retry: true };

type Waiter = {
  agentId: string;
  queues: ReadonlySet<string>;
  tags: ReadonlySet<string>;
  deliver: (handoff: Handoff) => void;
};

const WAITERS = Symbol.for("pipebook.waiting-claims");

function waiters(): Map<string, Waiter> {
  const holder = globalThis as { [WAITERS]?: Map<string, Waiter> };
  holder[WAITERS] ??= new Map();
  return holder[WAITERS];
}

/**
 * Waits for a handoff. `cancel` withdraws if no trigger took this agent yet; once one did
 * (`taken`), its run is on the way and must be awaited.
 */
export function awaitHandoff(agent: { id: string; queues: string[]; tags: string[] }): {
  handoff: Promise<Handoff>;
  cancel: () => void;
  taken: () => boolean;
} {
  const all = waiters();
  let deliver: (handoff: Handoff) => void = () => undefined;
  const handoff = new Promise<Handoff>((resolve) => {
    deliver = resolve;
  });
  const waiter: Waiter = {
    agentId: agent.id,
    queues: new Set(agent.queues),
    tags: new Set(agent.tags),
    deliver,
  };
  all.set(agent.id, waiter);
  return {
    handoff,
    cancel: () => {
      if (all.get(agent.id) === waiter) all.delete(agent.id);
    },
    taken: () => all.get(agent.id) !== waiter,
  };
}

/**
 * Takes (removes) the agent that has waited longest on `queue` and carries every tag of the run.
 * Synchronous, so two triggers can never take the same agent.
 */
export function takeWaiter(queue: string, runTags: readonly string[]): Waiter | undefined {
  const all = waiters();
  for (const waiter of all.values()) {
    if (waiter.queues.has(queue) && runTags.every((t) => waiter.tags.has(t))) {
      all.delete(waiter.agentId);
      return waiter;
    }
  }
  return undefined;
}
