// Wake-ups between requests: "a run was queued on queue q" wakes agents long-polling for work,
// "cancel a run of agent a" wakes that agent's hanging heartbeat, "run r ended" wakes whoever
// waits for its result, "run r changed" (any state, log line or replay of it) pushes the change
// to the browsers watching that run, "key revoked" makes every replica forget a key it had
// verified, "secret s changed" makes runs mask its new value too, "notification queued" wakes the
// notification senders, "limits changed" (a concurrency limit or a deployment's pause) makes
// claims re-read which limits exist, "watchers changed" (a trigger, notification rule or backfill
// saved) makes runs' ends look again for what watches them. In one process this is an
// EventEmitter (microseconds); with PostgreSQL, events also travel by NOTIFY to the other server
// replicas, whose LISTEN connection re-emits them locally. Kept on globalThis: every bundle
// Next.js makes of this file must share one emitter.
import { EventEmitter } from "node:events";
import crypto from "node:crypto";

export type Topic =
  | "run-queued"
  | "run-cancel"
  | "run-ended"
  | "run-changed"
  | "key-revoked"
  | "secret-changed"
  | "notification-queued"
  | "limits-changed"
  | "watchers-changed";

type Bus = {
  emitter: EventEmitter;
  /** Sends a message to the other replicas (PostgreSQL NOTIFY), when there are any. */
  remote?: (message: string) => Promise<void>;
  origin: string;
  /** Events published while a message was being sent: they go together in the next one. */
  outbox: [Topic, string][];
  sending: boolean;
};

const BUS = Symbol.for("pipebook.events");

function bus(): Bus {
  const holder = globalThis as { [BUS]?: Bus };
  if (!holder[BUS]) {
    const emitter = new EventEmitter();
    // Every waiting claim and heartbeat listens; hundreds of agents are normal.
    emitter.setMaxListeners(0);
    holder[BUS] = { emitter, origin: crypto.randomUUID(), outbox: [], sending: false };
  }
  return holder[BUS];
}

export const NOTIFY_CHANNEL = "pipebook_events";

// PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more; an event is ~50–100 bytes.
const MAX_MESSAGE_BYTES = 7_000;

/** Publishes after the change it announces has committed. */
export function publish(topic: Topic, payload: string): void {
  const b = bus();
  b.emitter.emit(topic, payload);
  if (!b.remote) return;
  b.outbox.push([topic, payload]);
  if (!b.sending) void sendOutbox(b, b.remote);
}

/**
 * One NOTIFY at a time per replica: the first event goes at once, and those published while it
 * is on its way go together in the next message, each once. Under load that is one statement
 * for several events (measured with 2 replicas: ~4.7 NOTIFYs per 10-task run, one per event,
 * before), and an idle replica's event waits for nothing.
 */
async function sendOutbox(b: Bus, send: (message: string) => Promise<void>): Promise<void> {
  b.sending = true;
  try {
    while (b.outbox.length) {
      const events: [Topic, string][] = [];
      const seen = new Set<string>();
      let bytes = 0;
      while (b.outbox.length && (events.length === 0 || bytes < MAX_MESSAGE_BYTES)) {
        const [topic, payload] = b.outbox.shift()!;
        const key = `${topic} ${payload}`;
        if (seen.has(key)) continue;
        seen.add(key);
        events.push([topic, payload]);
        bytes += topic.length + Buffer.byteLength(payload) + 8;
      }
      await send(JSON.stringify({ origin: b.origin, events })).catch(() => {
        // Other replicas also re-check on a timer: a lost wake-up costs latency, not correctness.
      });
    }
  } finally {
    b.sending = false;
  }
}

type Message = { origin: string } & (
  | { events: [Topic, string][] }
  // One event per message: what replicas before 2026-12 send (a rolling upgrade mixes them).
  | { topic: Topic; payload: string }
);

/** Connects the bus to other replicas: `send` publishes remotely; call the result on receipt. */
export function connectRemote(send: (message: string) => Promise<void>): (message: string) => void {
  const b = bus();
  b.remote = send;
  return (text) => {
    try {
      const message = JSON.parse(text) as Message;
      if (message.origin === b.origin) return;
      const events: [Topic, string][] =
        "events" in message ? message.events : [[message.topic, message.payload]];
      for (const [topic, payload] of events) b.emitter.emit(topic, payload);
    } catch {
      // Not ours.
    }
  };
}

/** Calls `listener` with every payload of `topic` until the returned function is called. */
export function subscribe(topic: Topic, listener: (payload: string) => void): () => void {
  const { emitter } = bus();
  emitter.on(topic, listener);
  return () => emitter.off(topic, listener);
}

/**
 * Resolves with the first payload of `topic` that `accept` takes, or null after `timeoutMs` or
 * when `signal` aborts. Subscribe before checking the database, then await: an event that lands
 * between the check and the wait is not lost.
 */
export function waitFor(
  topic: Topic,
  accept: (payload: string) => boolean,
  options: { timeoutMs: number; signal?: AbortSignal },
): { promise: Promise<string | null>; cancel: () => void } {
  const { emitter } = bus();
  let done: (value: string | null) => void = () => undefined;
  const promise = new Promise<string | null>((resolve) => {
    done = resolve;
  });
  const onEvent = (payload: string) => {
    if (accept(payload)) finish(payload);
  };
  const onAbort = () => finish(null);
  const timer = setTimeout(() => finish(null), Math.max(0, options.timeoutMs));
  function finish(value: string | null) {
    clearTimeout(timer);
    emitter.off(topic, onEvent);
    options.signal?.removeEventListener("abort", onAbort);
    done(value);
  }
  emitter.on(topic, onEvent);
  if (options.signal?.aborted) finish(null);
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  return { promise, cancel: () => finish(null) };
}
