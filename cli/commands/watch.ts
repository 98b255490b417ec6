// Following a flow run: every state change of the run and its tasks, and every log line, in the
// order they happened, until the run ends (and its last line was read).
import {
  FlowRunHistoryResponseSchema,
  FlowRunSchema,
  LogsResponseSchema,
  type FlowRunView,
} from "../../contract/api-v1.ts";
import { isFinalDisplayState } from "../../contract/run-states.ts";
import type { ApiClient } from "../api-client.ts";
import { clock, say, warn } from "../output.ts";

const POLL_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Line = { at: string; text: string };

export async function watchFlowRun(api: ApiClient, id: string): Promise<FlowRunView["state"]> {
  let printedEvents = 0;
  let cursor: string | undefined;
  let logsDone = false;
  let failures = 0;
  for (;;) {
    // The history first, then the run: every event read then has its task's error in the run
    // (read in parallel, a Failed event could arrive before the error it should print).
    const history = await api.request(
      `/api/v1/flow-runs/${id}/history`,
      FlowRunHistoryResponseSchema,
    );
    const run = await api.request(`/api/v1/flow-runs/${id}`, FlowRunSchema);
    if (!run.ok || !history.ok) {
      // The server may be restarting: keep following for a while before giving up.
      if (++failures > 120)
        throw new Error(run.ok ? (history as { error: string }).error : run.error);
      if (failures === 1)
        warn(`(${run.ok ? (history as { error: string }).error : run.error}; still following)`);
      await sleep(1_000);
      continue;
    }
    failures = 0;
    const lines: Line[] = [];
    const errors = new Map(run.data.taskRuns.map((t) => [t.name, t.error?.message]));
    for (const event of history.data.events.slice(printedEvents)) {
      const attempt = event.attempt && event.attempt > 1 ? ` (attempt ${event.attempt})` : "";
      const why =
        event.task && ["Failed", "Crashed", "NotRun"].includes(event.to)
          ? errors.get(event.task)
          : event.message;
      lines.push({
        at: event.at,
        text: `${event.task ?? "flow run"} ${event.to}${attempt}${why ? `: ${why}` : ""}`,
      });
    }
    printedEvents = history.data.events.length;
    while (!logsDone) {
      const logs = await api.request(`/api/v1/flow-runs/${id}/logs`, LogsResponseSchema, {
        query: { after: cursor },
      });
      if (!logs.ok) break;
      for (const line of logs.data.logs) {
        const who = line.task
          ? `${line.task}${line.attempt && line.attempt > 1 ? `#${line.attempt}` : ""}`
          : "run";
        const level = line.level === "info" ? "" : ` ${line.level.toUpperCase()}`;
        lines.push({ at: line.timestamp, text: `${who}${level} | ${line.message}` });
      }
      if (logs.data.next === null) logsDone = true;
      else cursor = logs.data.next;
      if (logs.data.logs.length < 1000) break;
    }
    lines.sort((a, b) => a.at.localeCompare(b.at));
    for (const line of lines) say(`${clock(line.at)}  ${line.text}`);
    if (isFinalDisplayState(run.data.state) && logsDone) return run.data.state;
    await sleep(POLL_MS);
  }
}
