// A task run's attempts, rebuilt from its state history (TaskRunStateEvent rows, in order): each
// Running event opens an attempt, the next Completed/Failed/Retrying/Cancelled/Crashed event
// closes it with its error. Cached, NotRun and a cancel before the start are moments, not
// attempts. The run page's timeline draws these; its task panel lists them with their errors.
import {
  canTransitionTaskRun,
  TASK_RUN_STATES,
  type TaskRunState,
} from "../../../contract/run-states.ts";

export type TaskStateEvent = {
  to: TaskRunState;
  attempt: number;
  at: Date;
  message: string | null;
  error: unknown;
};

export type Attempt = {
  /** 1-based, continuing across flow-level retries of the run. */
  n: number;
  /** Running while under way; Retrying when it failed and another attempt follows. */
  state: TaskRunState;
  startedAt: string;
  endedAt: string | null;
  error: unknown;
};

export type TaskMoment = { state: TaskRunState; at: string; message: string | null };

/** What a Running attempt may become: each of these ends it (the state machine's table). */
const ENDS_ATTEMPT: ReadonlySet<TaskRunState> = new Set(
  TASK_RUN_STATES.filter((s) => canTransitionTaskRun("Running", s)),
);

export function taskAttempts(events: readonly TaskStateEvent[]): {
  attempts: Attempt[];
  moments: TaskMoment[];
} {
  const attempts: Attempt[] = [];
  const moments: TaskMoment[] = [];
  let open: Attempt | null = null;
  for (const event of events) {
    const at = event.at.toISOString();
    if (event.to === "Running") {
      // A Running without an end before it (a lost report) closes the earlier attempt unknown.
      if (open) open.endedAt = at;
      open = { n: event.attempt, state: "Running", startedAt: at, endedAt: null, error: null };
      attempts.push(open);
    } else if (open && ENDS_ATTEMPT.has(event.to)) {
      open.state = event.to;
      open.endedAt = at;
      open.error = event.error ?? null;
      open = null;
    } else if (event.to !== "Pending") {
      // Cached, NotRun, or Cancelled/Crashed before any attempt started.
      moments.push({ state: event.to, at, message: event.message });
    }
  }
  return { attempts, moments };
}
