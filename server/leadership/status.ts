// This process's replica id and whether it leads the background services, for /api/health and
// the log. Kept on globalThis: Next.js may evaluate this module once per bundle, and the health
// route must see what the start-up bundle's leadership loop set.
import crypto from "node:crypto";
import os from "node:os";

export type LeadershipStatus = {
  /** Unique per process (a restarted server is a new replica): host, pid and a random suffix. */
  replicaId: string;
  leader: boolean;
  /** The lease's epoch while leading. */
  epoch: number | null;
  /** When this replica last became leader or follower. */
  since: Date;
};

const STATUS = Symbol.for("pipebook.leadership");
type Holder = { [STATUS]?: LeadershipStatus };

export function leadershipStatus(): LeadershipStatus {
  const holder = globalThis as Holder;
  holder[STATUS] ??= {
    replicaId: `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString("hex")}`,
    leader: false,
    epoch: null,
    since: new Date(),
  };
  return holder[STATUS];
}

export function setLeader(epoch: number | null): void {
  const status = leadershipStatus();
  status.leader = epoch !== null;
  status.epoch = epoch;
  status.since = new Date();
}
