"use client";
// A flow run as it happens: its states and its log lines, polled until it ends. Log lines are
// read after a cursor, so each poll fetches only what is new and nothing is shown twice.
import { useEffect, useState } from "react";
import type { FlowRunView, LogLineView } from "@/contract/api-v1";
import { isFinalDisplayState } from "@/contract/run-states";
import { useTRPCClient } from "./trpc";

const POLL_MS = 400;

export type LiveRun = { run: FlowRunView | null; logs: LogLineView[]; error: string | null };

export function useLiveRun(id: string | null): LiveRun {
  const client = useTRPCClient();
  const [state, setState] = useState<LiveRun>({ run: null, logs: [], error: null });

  useEffect(() => {
    setState({ run: null, logs: [], error: null });
    if (!id) return;
    let stopped = false;
    let after: string | undefined;
    let logsDone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        const run = (await client.runs.get.query({ id: id! })) as FlowRunView;
        // Logs are read after the state, so a run seen ended has all its lines in this read.
        const lines: LogLineView[] = [];
        while (!logsDone) {
          const page = await client.runs.logs.query({ id: id!, after, limit: 1_000 });
          lines.push(...page.logs);
          // No cursor means the run ended and every line has been read: reading again would
          // start over from the first line.
          if (page.next) after = page.next;
          else logsDone = true;
          if (page.logs.length < 1_000) break;
        }
        if (stopped) return;
        setState((s) => ({
          run,
          logs: lines.length ? [...s.logs, ...lines] : s.logs,
          error: null,
        }));
        if (!isFinalDisplayState(run.state)) timer = setTimeout(poll, POLL_MS);
      } catch (error) {
        if (stopped) return;
        setState((s) => ({ ...s, error: (error as Error).message }));
        timer = setTimeout(poll, POLL_MS * 5);
      }
    }
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, client]);

  return state;
}
