// Following a flow run: every state change of the run and its tasks, and every log line, in the
// order they happened (merged by cli/watch-feed.ts), each completed task's result, and why the
// run waits when no agent would take it — until the run ends and its last line was read.
import {
  FlowRunHistoryResponseSchema,
  FlowRunSchema,
  LogsResponseSchema,
  type FlowRunView,
} from "../../contract/api-v1.ts";
import { isFinalDisplayState } from "../../contract/run-states.ts";
import type { ApiClient, Result } from "../api-client.ts";
import { warn } from "../output.ts";
import { WatchFeed } from "../watch-feed.ts";
import { formatFeedItem } from "../watch-format.ts";
import { MapProgressLines } from "../watch-progress.ts";

const POLL_MS = 250;
// The server's largest page: a run printing fast is read in few requests.
const LOG_PAGE = 5000;
// The server may be restarting: keep following this many seconds before giving up.
const GIVE_UP_AFTER_FAILURES = 120;
const WAITING_STATES: ReadonlySet<string> = new Set(["Scheduled", "Late", "Paused", "Pending"]);
const isWaiting = (state: string) => WAITING_STATES.has(state);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function watchFlowRun(api: ApiClient, id: string): Promise<FlowRunView["state"]> {
  const feed = new WatchFeed();
  const progress = new MapProgressLines();
  const warned = new Set<string>();
  let cursor: string | undefined;
  let historyCursor: string | undefined;
  let lastRunEvent: string | undefined;
  let runView: FlowRunView | undefined;
  let logsDone = false;
  let failures = 0;
  for (;;) {
    // The history first (only what is new), then the run (so every completed task of that
    // history has its result and error in it) — read again only when the history moved or the
    // run waits — then the logs (see cli/watch-feed.ts for why this order matters).
    const history = await api.request(
      `/api/v1/flow-runs/${encodeURIComponent(id)}/history`,
      FlowRunHistoryResponseSchema,
      { query: { after: historyCursor } },
    );
    const stale =
      !runView || (history.ok && history.data.events.length > 0) || isWaiting(runView.state);
    const run: Result<FlowRunView> = !history.ok
      ? history
      : stale
        ? await api.request(`/api/v1/flow-runs/${encodeURIComponent(id)}`, FlowRunSchema)
        : { ok: true, data: runView! };
    if (!history.ok || !run.ok) {
      const error = (run as Extract<Result<unknown>, { ok: false }>).error;
      if (++failures > GIVE_UP_AFTER_FAILURES) throw new Error(error);
      if (failures === 1) warn(`(${error}; still following)`);
      await sleep(1_000);
      continue;
    }
    failures = 0;
    runView = run.data;
    historyCursor = history.data.next;
    const events = history.data.events;
    lastRunEvent = events.findLast((e) => e.task === null)?.to ?? lastRunEvent;
    feed.addHistory(events, {
      complete: isFinalDisplayState(run.data.state) && lastRunEvent === run.data.state,
      onlyNew: true,
    });

    while (!logsDone) {
      const logs = await api.request(`/api/v1/flow-runs/${id}/logs`, LogsResponseSchema, {
        query: { after: cursor, limit: String(LOG_PAGE) },
      });
      if (!logs.ok) break;
      const { next } = logs.data;
      const caughtUp = logs.data.logs.length < LOG_PAGE;
      feed.addLogs(logs.data.logs, { caughtUp, complete: next === null });
      // No cursor once every line was read: reading again would start from the first line.
      if (next === null) logsDone = true;
      else cursor = next;
      if (caughtUp) break;
      print(feed, run.data);
    }
    print(feed, run.data);
    // How far the mapped tasks that run got (their items' own changes are not printed).
    if (stale) write(progress.update(run.data, new Date()));

    // Why nothing happens, said once per reason while the run waits for an agent.
    if (isWaiting(run.data.state)) {
      const fresh = run.data.warnings.filter((w) => !warned.has(w));
      for (const warning of fresh) warned.add(warning);
      // Not stamped: a warning is about now, not a moment in the run's story, and a time here
      // could read as earlier than the next state change printed.
      write(fresh.map((w) => `${" ".repeat(14)}warning: ${w}`));
    }
    if (feed.complete) return run.data.state;
    await sleep(POLL_MS);
  }
}

function print(feed: WatchFeed, run: FlowRunView): void {
  write(feed.take().flatMap((item) => formatFeedItem(item, run) ?? []));
}

/** One write per batch: a run printing 100,000 lines would spend seconds in per-line writes. */
function write(lines: string[]): void {
  if (lines.length) process.stdout.write(`${lines.join("\n")}\n`);
}
