// Following a flow run: task state changes and log lines as they come, until the run ends.
import { FlowRunSchema, LogsResponseSchema, type FlowRunView } from "../../contract/api-v1.ts";
import { isFinalDisplayState } from "../../contract/run-states.ts";
import type { ApiClient } from "../api-client.ts";
import { clock, say, warn } from "../output.ts";

const POLL_MS = 300;

export async function watchFlowRun(api: ApiClient, id: string): Promise<string> {
  const seen = new Map<string, string>();
  let runState: FlowRunView["state"] | undefined;
  let cursor: string | undefined;
  let logsDone = false;
  let failures = 0;
  for (;;) {
    const run = await api.request(`/api/v1/flow-runs/${id}`, FlowRunSchema);
    if (!run.ok) {
      // The server may be restarting: keep following for a while before giving up.
      if (++failures > 100) throw new Error(run.error);
      warn(`(${run.error}; retrying)`);
      await sleep(1000);
      continue;
    }
    failures = 0;
    if (run.data.state !== runState) {
      runState = run.data.state;
      say(
        `${clock(new Date().toISOString())}  flow run ${runState}${run.data.stateMessage ? `: ${run.data.stateMessage}` : ""}`,
      );
    }
    for (const task of run.data.taskRuns) {
      const shown = `${task.state}/${task.attempts}`;
      if (seen.get(task.name) === shown) continue;
      seen.set(task.name, shown);
      const detail = task.error ? `: ${task.error.message}` : "";
      say(
        `${clock(new Date().toISOString())}  ${task.name} ${task.state}${task.attempts > 1 ? ` (attempt ${task.attempts})` : ""}${detail}`,
      );
    }
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
        say(`${clock(line.timestamp)}  ${who}${level} | ${line.message}`);
      }
      if (logs.data.next === null) logsDone = true;
      else cursor = logs.data.next;
      if (logs.data.logs.length < 1000) break;
    }
    if (isFinalDisplayState(runState) && logsDone) return runState;
    await sleep(POLL_MS);
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
