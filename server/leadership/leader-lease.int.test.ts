// The leader lease on PGlite and PostgreSQL: taken by one replica only (also when many race),
// renewed only by its holder at its epoch, taken over once it lapsed or was released, and a stale
// holder fenced out; and the leadership loop over it, which starts the services on exactly one
// replica and hands them over when the leader stops or dies.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { acquireLease, currentLeader, releaseLease, renewLease } from "./leader-lease.ts";
import { startLeadership, type BackgroundService } from "./leadership.ts";

const test = freshDatabase();
const role = () => `test-${crypto.randomUUID()}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(10);
  }
  return Date.now() - started;
}

describe("the leader lease", () => {
  it("is taken by the first replica only, and renewed only by its holder at its epoch", async () => {
    const r = role();
    const a = await acquireLease(test.db, { role: r, holder: "a", ttlMs: 10_000 });
    expect(a?.epoch).toBe(1);
    expect(await acquireLease(test.db, { role: r, holder: "b", ttlMs: 10_000 })).toBeNull();
    expect(await currentLeader(test.db, r)).toMatchObject({ holder: "a", epoch: 1 });

    const renewed = await renewLease(test.db, { role: r, holder: "a", epoch: 1, ttlMs: 60_000 });
    expect(renewed!.expiresAt.getTime()).toBeGreaterThan(a!.expiresAt.getTime() + 40_000);
    expect(await renewLease(test.db, { role: r, holder: "b", epoch: 1, ttlMs: 1 })).toBeNull();
    expect(await renewLease(test.db, { role: r, holder: "a", epoch: 2, ttlMs: 1 })).toBeNull();
    expect(await releaseLease(test.db, { role: r, holder: "b", epoch: 1 })).toBe(false);
    expect(await currentLeader(test.db, r)).toMatchObject({ holder: "a", epoch: 1 });
  });

  it("is taken over once it lapsed, and the stale holder can neither renew nor release it", async () => {
    const r = role();
    await acquireLease(test.db, { role: r, holder: "a", ttlMs: 200 });
    expect(await acquireLease(test.db, { role: r, holder: "b", ttlMs: 10_000 })).toBeNull();
    await sleep(300);
    expect(await currentLeader(test.db, r)).toBeNull();
    const b = await acquireLease(test.db, { role: r, holder: "b", ttlMs: 10_000 });
    expect(b?.epoch).toBe(2);
    // "a" was stalled (a long pause, a cut link) and comes back believing it leads.
    expect(await renewLease(test.db, { role: r, holder: "a", epoch: 1, ttlMs: 10_000 })).toBeNull();
    expect(await releaseLease(test.db, { role: r, holder: "a", epoch: 1 })).toBe(false);
    expect(await currentLeader(test.db, r)).toMatchObject({ holder: "b", epoch: 2 });
    // A lapsed lease cannot be revived by its own holder either: it must take it again.
    await acquireLease(test.db, { role: r, holder: "c", ttlMs: 1, force: true });
    await sleep(20);
    expect(await renewLease(test.db, { role: r, holder: "c", epoch: 3, ttlMs: 10_000 })).toBeNull();
  });

  it("released, is taken at once by the next replica with a new epoch", async () => {
    const r = role();
    await acquireLease(test.db, { role: r, holder: "a", ttlMs: 60_000 });
    expect(await releaseLease(test.db, { role: r, holder: "a", epoch: 1 })).toBe(true);
    expect(await currentLeader(test.db, r)).toBeNull();
    expect(await releaseLease(test.db, { role: r, holder: "a", epoch: 1 })).toBe(false);
    expect((await acquireLease(test.db, { role: r, holder: "b", ttlMs: 60_000 }))?.epoch).toBe(2);
  });

  it("goes to exactly one of many replicas racing for it", async () => {
    for (let round = 0; round < 5; round++) {
      const r = role();
      await acquireLease(test.db, { role: r, holder: "old", ttlMs: 1 });
      await sleep(10);
      // On PostgreSQL these run on separate pooled connections at once.
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          acquireLease(test.db, { role: r, holder: `r${i}`, ttlMs: 60_000 }),
        ),
      );
      const winners = results.filter((x) => x !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.epoch).toBe(2);
    }
  });
});

/** Services that record when they run, to check they never run on two replicas at once. */
function recorder() {
  const events: { replica: string; what: "start" | "stop"; at: number }[] = [];
  const services = (replica: string) => (): BackgroundService[] => {
    events.push({ replica, what: "start", at: performance.now() });
    return [
      {
        async stop() {
          await sleep(20);
          events.push({ replica, what: "stop", at: performance.now() });
        },
      },
    ];
  };
  return { events, services };
}

describe("leadership", () => {
  it("runs the services on one replica; a graceful stop hands them over at once", async () => {
    const r = role();
    const { events, services } = recorder();
    const options = { role: r, ttlMs: 1500, renewMs: 200 };
    const a = startLeadership(test.handle, { ...options, replicaId: "a", services: services("a") });
    await until(() => a.isLeader(), 5_000);
    const b = startLeadership(test.handle, { ...options, replicaId: "b", services: services("b") });
    await sleep(600);
    expect(b.isLeader()).toBe(false);
    expect(events.map((e) => `${e.replica} ${e.what}`)).toEqual(["a start"]);

    await a.stop();
    // Within one renew interval (200 ms), not the 1.5 s ttl.
    const took = await until(() => b.isLeader(), 1_000);
    expect(took).toBeLessThan(600);
    expect(b.epoch()).toBe(2);
    expect(events.map((e) => `${e.replica} ${e.what}`)).toEqual(["a start", "a stop", "b start"]);
    await b.stop();
    expect(await currentLeader(test.db, r)).toBeNull();
  });

  it("takes over from a dead leader once its lease lapsed, not before", async () => {
    const r = role();
    const { events, services } = recorder();
    // A leader killed just after renewing leaves this behind.
    await acquireLease(test.db, { role: r, holder: "dead", ttlMs: 1500 });
    const started = performance.now();
    const b = startLeadership(test.handle, {
      role: r,
      ttlMs: 1500,
      renewMs: 200,
      replicaId: "b",
      services: services("b"),
    });
    await until(() => b.isLeader(), 5_000);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(1500 + 600);
    expect(events.map((e) => `${e.replica} ${e.what}`)).toEqual(["b start"]);
    // It goes on leading: its renewals keep the lease.
    await sleep(2000);
    expect(b.isLeader()).toBe(true);
    expect(await currentLeader(test.db, r)).toMatchObject({ holder: "b", epoch: 2 });
    await b.stop();
  });

  it("on the embedded database, takes a lease left by a killed server at once", async () => {
    const r = role();
    await acquireLease(test.db, { role: r, holder: "killed", ttlMs: 60_000 });
    const b = startLeadership(test.handle, {
      role: r,
      ttlMs: 60_000,
      renewMs: 200,
      replicaId: "b",
      takeOver: true,
      services: () => [],
    });
    expect(await until(() => b.isLeader(), 5_000)).toBeLessThan(1_000);
    await b.stop();
  });

  it("a leader whose lease was taken (it stalled) stops its services", async () => {
    const r = role();
    const { events, services } = recorder();
    const a = startLeadership(test.handle, {
      role: r,
      ttlMs: 60_000,
      renewMs: 100,
      replicaId: "a",
      services: services("a"),
    });
    await until(() => a.isLeader(), 5_000);
    // Another replica took the lease (as after a's pause longer than the ttl).
    await acquireLease(test.db, { role: r, holder: "other", ttlMs: 60_000, force: true });
    await until(() => !a.isLeader(), 2_000);
    await until(() => events.length === 2, 1_000);
    expect(events.map((e) => `${e.replica} ${e.what}`)).toEqual(["a start", "a stop"]);
    await a.stop();
    expect(await currentLeader(test.db, r)).toMatchObject({ holder: "other" });
  });
});
