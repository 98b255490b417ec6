// Whether this server process is stopping. While it stops it closes its own connections, the
// held heartbeats of its agents among them; a heartbeat cut off that way is not an agent that
// died (which is what a broken heartbeat otherwise means: server/agents/heartbeat.ts), so its
// leases must stay whole — the agent renews them on this replica once it is back, or on another.
// Process-wide (a symbol on globalThis): every bundle of the app reads the same flag.
const STOPPING = Symbol.for("pipebook.stopping");
type Holder = { [STOPPING]?: boolean };

export function markStopping(): void {
  (globalThis as Holder)[STOPPING] = true;
}

export function isStopping(): boolean {
  return (globalThis as Holder)[STOPPING] === true;
}
