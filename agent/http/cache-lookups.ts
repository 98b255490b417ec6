// Cache lookups of one run, gathered: the keys asked for within the same few milliseconds go to
// the server as one request (up to its limit of 1,000 keys). A mapped task with a cache policy
// asks once per item — 16 lanes at a time, 10,000 items — and one request per key would be
// 10,000 round trips.
import type { StoredResult } from "../../contract/agent-protocol.ts";
import type { AgentApi } from "./client.ts";

const MAX_KEYS = 1_000;
const GATHER_MS = 2;

type Answer = { hit: boolean; result?: unknown; source?: string; stored?: StoredResult };

export function gatheredCacheLookup(
  api: Pick<AgentApi, "cache">,
  flowRunId: string,
  leaseId: string,
): (key: string) => Promise<Answer> {
  let waiting = new Map<string, ((answer: Answer) => void)[]>();
  let timer: NodeJS.Timeout | undefined;

  const send = () => {
    timer = undefined;
    const batch = waiting;
    waiting = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += MAX_KEYS) {
      const part = keys.slice(i, i + MAX_KEYS);
      const answered = (
        hits: Record<string, { result?: unknown; source?: string; stored?: StoredResult }>,
      ) => {
        for (const key of part) {
          const hit = hits[key];
          for (const resolve of batch.get(key)!) {
            resolve(
              hit
                ? {
                    hit: true,
                    result: hit.result,
                    ...(hit.source ? { source: hit.source } : {}),
                    ...(hit.stored ? { stored: hit.stored } : {}),
                  }
                : { hit: false },
            );
          }
        }
      };
      // A lookup that fails is a miss: the task runs.
      api.cache(flowRunId, leaseId, part).then(
        (answer) => answered(answer.ok ? answer.data.hits : {}),
        () => answered({}),
      );
    }
  };

  return (key) =>
    new Promise((resolve) => {
      const list = waiting.get(key);
      if (list) list.push(resolve);
      else waiting.set(key, [resolve]);
      if (waiting.size >= MAX_KEYS) {
        clearTimeout(timer);
        send();
      } else timer ??= setTimeout(send, GATHER_MS);
    });
}
