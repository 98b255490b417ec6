// What every part of the agent protocol shares: its version, and the bounds several messages use.

/**
 * 2: log lines travel in compact blocks (`logs` of a report) rather than as one event each.
 * The server still takes version 1's log events.
 * 3: mapped tasks: `map` events, `item` on task events and log lines, and the claim's `items`.
 * 4: per-flow dependencies (the claim's `dependencies` and `locks`, the lock report); large
 *    results (`stored` on task events, completed tasks and cache hits; storage transfers); a
 *    cache hit's `source`. (One version: they were released together.)
 * 5: artifacts: `artifact` on a storage upload request, and the artifacts record.
 */
export const AGENT_PROTOCOL_VERSION = 5;

/** Longest a claim or heartbeat may wait on the server (agents' HTTP timeouts exceed this). */
export const MAX_WAIT_MS = 30_000;
/** A log line longer than this is cut by the agent (and refused by the server). */
export const MAX_LOG_LINE = 64 * 1024;
/** Items a mapped task may have in one run. */
export const MAX_MAP_ITEMS = 100_000;
