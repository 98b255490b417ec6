// With PostgreSQL, several server replicas may run behind a load balancer: events published on
// one (a run queued, a cancel) reach agents waiting on another through LISTEN/NOTIFY. The LISTEN
// connection is re-opened when it breaks; claims re-check on a timer meanwhile.
import type { DatabaseHandle } from "../db/client.ts";
import { connectRemote, NOTIFY_CHANNEL } from "../events/bus.ts";
import { log } from "../log.ts";

export function startReplicaEvents(handle: DatabaseHandle) {
  const { pubsub } = handle;
  if (!pubsub) return { stop: async () => undefined };
  const { listen } = pubsub;
  const receive = connectRemote((message) => pubsub.notify(NOTIFY_CHANNEL, message));
  let listener: { close(): Promise<void> } | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  async function connect(delay: number) {
    if (stopped) return;
    try {
      listener = await listen(NOTIFY_CHANNEL, receive, (error) => {
        log.warn(`lost the LISTEN connection (${error.message}); reconnecting`);
        void listener?.close().catch(() => undefined);
        listener = undefined;
        retry = setTimeout(() => void connect(1_000), 1_000);
      });
    } catch (error) {
      log.warn(`could not LISTEN for events of other replicas: ${(error as Error).message}`);
      retry = setTimeout(() => void connect(Math.min(delay * 2, 30_000)), delay);
    }
  }
  void connect(1_000);
  return {
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await listener?.close().catch(() => undefined);
    },
  };
}
