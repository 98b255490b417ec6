// Wake-ups between requests: "a run was queued on queue q" wakes agents long-polling for work,
// "cancel a run of agent a" wakes that agent's hanging heartbeat, "run r ended" wakes whoever
// waits for its result, "run r changed" (any state, log line or replay of it) pushes the change
// to the browsers watching that run, "key revoked" makes every replica forget a key it had
// verified, "secret s changed" makes runs mask its new value too, "notification queued" wakes the
// notification senders, "limits changed" (a concurrency limit or a deployment's pause) makes
// claims re-read which limits exist. In one process this is an EventEmitter (microseconds); with
// PostgreSQL, events also travel by NOTIFY to the other server replicas, whose LISTEN connection
// re-emits them locally. Kept on globalThis: every bundle Next.js makes of this file must share
// one emitter.
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
  | "limits-changed";

type Bus = {
  emitter: EventEmitter;
  /** Sends an event to the other replicas (PostgreSQL NOTIFY), when there are any. */
  remote?: (message: string) => Promise<void>;
  origin: string;
};

const BUS = Symbol.for("pipebook.events");

function bus(): Bus {
  const holder = globalThis as { [BUS]?: Bus };
  if (!holder[BUS]) {
    const emitter = new EventEmitter();
    // Every waiting claim and heartbeat listens; hundreds of agents are normal.
    emitter.setMaxListeners(0);
    holder[BUS] = { emitter, origin: crypto.randomUUID() };
  }
  return holder[BUS];
}

export const NOTIFY_CHANNEL = "pipebook_events";

/** Publishes after the change it announces has committed. */
export function publish(topic: Topic, payload: string): void {
  const b = bus();
  b.emitter.emit(topic, payload);
  if (b.remote) {
    const message = JSON.stringify({ origin: b.origin, topic, payload });
    b.remote(message).catch(() => {
      // Other replicas also re-check on a timer: a lost wake-up costs latency, not correctness.
    });
  }
}

/** Connects the bus to other replicas: `send` publishes remotely; call the result on receipt. */
export function connectRemote(send: (message: string) => Promise<void>): (message: string) => void {
  const b = bus();
  b.remote = send;
  return (message) => {
    try {
      const { origin, topic, payload } = JSON.parse(message) as {
        origin: string;
        topic: Topic;
        payload: string;
      };
      if (origin !== b.origin) b.emitter.emit(topic, payload);
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
