// One elected replica runs the background services. Every replica tries to take the leader
// lease (leader-lease.ts) every renew interval; the one that has it renews it at that interval
// and runs the services; the others wait. Its lease lapses ttl after its last renewal — a
// killed leader is replaced within ttl + one renew interval (5 s + 1 s by default; measured
// takeovers in docs/benchmarks.md "Leader takeover"). A leader that cannot renew (the database
// away, the process stalled) stops its services one renew interval before its lease can lapse,
// so that, as far as timers allow, two replicas never run them at once; the services are also
// safe when that fails (each slot, expiry and delivery is claimed in the database exactly once).
// A leader that stops gracefully stops its services, then releases the lease: the next replica
// takes over on its next try.
import type { DatabaseHandle } from "../db/client.ts";
import { log } from "../log.ts";
import { acquireLease, BACKGROUND_ROLE, releaseLease, renewLease } from "./leader-lease.ts";

export type BackgroundService = { stop(): Promise<void> };

export type LeadershipOptions = {
  ttlMs: number;
  renewMs: number;
  /** Starts the leader-only services; called each time this replica becomes leader. */
  services: () => BackgroundService[];
  /** This replica's name in the lease (server/leadership/status.ts). */
  replicaId: string;
  role?: string;
  /**
   * Take the lease even while it is held: for the embedded database, which only one process can
   * open, so a lease left there by a killed server is certainly dead (no 5 s wait at a restart).
   */
  takeOver?: boolean;
  /** Told each change: the new epoch when this replica becomes leader, null when it stops. */
  onChange?: (epoch: number | null) => void;
};

export function startLeadership(handle: DatabaseHandle, options: LeadershipOptions) {
  const db = handle.prisma;
  const holder = options.replicaId;
  const role = options.role ?? BACKGROUND_ROLE;
  const { ttlMs, renewMs } = options;
  const force = options.takeOver ?? false;
  let lease: { epoch: number } | null = null;
  let services: BackgroundService[] = [];
  let stopping: Promise<void> = Promise.resolve();
  let stopped = false;
  let tickTimer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failing = false;

  function lead(epoch: number) {
    lease = { epoch };
    options.onChange?.(epoch);
    log.info(`replica ${holder} leads the background services now (lease epoch ${epoch})`);
    services = options.services();
  }

  function stepDown(why: string): Promise<void> {
    if (!lease) return stopping;
    lease = null;
    options.onChange?.(null);
    const ending = services;
    services = [];
    log.warn(`replica ${holder} no longer leads the background services: ${why}`);
    clearTimeout(deadline);
    stopping = Promise.all(ending.map((s) => s.stop())).then(
      () => undefined,
      (error: unknown) => log.error("a background service failed to stop", error),
    );
    return stopping;
  }

  // Armed at each renewal from the time it was sent (earlier than the database's now(), so this
  // deadline falls before the lease's expiry as the database sees it).
  function arm(sentAt: number) {
    clearTimeout(deadline);
    const guard = Math.min(renewMs, ttlMs / 2);
    deadline = setTimeout(
      () => void stepDown(`could not renew its lease for ${(ttlMs - guard) / 1000} s`),
      Math.max(0, sentAt + ttlMs - guard - Date.now()),
    );
  }

  async function tick() {
    const sentAt = Date.now();
    const held = lease;
    try {
      if (held) {
        const renewed = await renewLease(db, { role, holder, epoch: held.epoch, ttlMs });
        if (lease !== held) {
          // Stepped down while this renewal was under way: give back what it renewed, so the
          // role does not stay held, by nobody, for a whole ttl.
          if (renewed) await releaseLease(db, { role, holder, epoch: held.epoch });
          return;
        }
        if (renewed) arm(sentAt);
        else await stepDown("its lease expired and may have been taken by another replica");
      } else {
        await stopping; // never start the services while the last ones are still stopping
        const acquired = await acquireLease(db, { role, holder, ttlMs, force });
        if (acquired && !stopped) {
          arm(sentAt);
          lead(acquired.epoch);
        } else if (acquired) {
          await releaseLease(db, { role, holder, epoch: acquired.epoch });
        }
      }
      if (failing) log.info("the leader lease answers again");
      failing = false;
    } catch (error) {
      // Logged once per outage; the deadline steps down should it last.
      if (!failing) log.warn(`could not ${held ? "renew" : "try"} the leader lease`, error);
      failing = true;
    }
  }

  function schedule(delay: number) {
    if (stopped) return;
    tickTimer = setTimeout(() => {
      running = tick().finally(() => schedule(renewMs));
    }, delay);
  }
  schedule(0);

  return {
    /** Whether this replica leads now. */
    isLeader: () => lease !== null,
    epoch: () => lease?.epoch ?? null,
    /** Stops the services (when leading), then gives the lease back for another to take. */
    async stop() {
      stopped = true;
      clearTimeout(tickTimer);
      await running;
      const held = lease;
      await stepDown("this server is stopping");
      if (held) {
        await releaseLease(db, { role, holder, epoch: held.epoch }).catch((error: unknown) =>
          log.warn(
            "could not release the leader lease; another replica waits for it to lapse",
            error,
          ),
        );
      }
    },
  };
}

export type Leadership = ReturnType<typeof startLeadership>;
