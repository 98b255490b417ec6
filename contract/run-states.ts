// The run state machine of ../DESIGN.md "Run states": every state, which transitions are allowed,
// and the predicates everyone asks (is it final? did the run fail?), with the named sets of states
// (active, final, open, successful, failing, retryable, restartable) that every rule reads: each
// is written here once. Pure data and functions, shared by the server (which enforces it in
// server/runs/state-machine/, the only writer of state columns, whose SQL state lists are made
// from these sets and whose fixed transitions are checked against the table at import), the
// agent, the CLI and the studio.

export const FLOW_RUN_STATES = [
  "Scheduled",
  "Pending",
  "Running",
  "Cancelling",
  "Completed",
  "Failed",
  "Cancelled",
  "Crashed",
] as const;
export type FlowRunState = (typeof FLOW_RUN_STATES)[number];

/** What people see: a stored state, or Late/Paused, which are derived and never stored. */
export type FlowRunDisplayState = FlowRunState | "Late" | "Paused";

export const TASK_RUN_STATES = [
  "Pending",
  "Running",
  "Retrying",
  "Completed",
  "Cached",
  "Failed",
  "Cancelled",
  "Crashed",
  "NotRun",
] as const;
export type TaskRunState = (typeof TASK_RUN_STATES)[number];

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/**
 * Allowed flow-run transitions. The reasons, by row:
 * - Scheduled: claimed by an agent (Pending), or cancelled before any agent took it.
 * - Pending: the agent starts it; hands it back unstarted (SIGTERM drain); a cancel request
 *   reaches it; or its lease expires (Crashed).
 * - Cancelling: the agent confirms (Cancelled) — or the lease expires and the server forces
 *   Cancelled — or the run had already finished when the request arrived (Completed/Failed).
 * - Failed, Crashed, Cancelled: queued again by a flow-level retry or a re-run from the browser.
 */
const FLOW_RUN_TRANSITIONS: Record<FlowRunState, readonly FlowRunState[]> = {
  Scheduled: ["Pending", "Cancelled"],
  Pending: ["Running", "Scheduled", "Cancelling", "Crashed"],
  Running: ["Completed", "Failed", "Cancelling", "Crashed"],
  Cancelling: ["Cancelled", "Completed", "Failed"],
  Completed: [],
  Failed: ["Scheduled"],
  Cancelled: ["Scheduled"],
  Crashed: ["Scheduled"],
};

/**
 * Allowed task-run transitions. Pending tasks may be skipped (NotRun, their upstream did not
 * complete), served from the cache (Cached), or swept up when the flow run is cancelled or
 * crashes. Failed, Cancelled, Crashed and NotRun go back to Pending when their flow run is
 * retried; Completed and Cached results are kept and reused. A Running mapped task chained item
 * by item to a mapped upstream started before that upstream ended; if the upstream then fails,
 * the task ends NotRun like any downstream task (Running → NotRun).
 */
const TASK_RUN_TRANSITIONS: Record<TaskRunState, readonly TaskRunState[]> = {
  Pending: ["Running", "Cached", "NotRun", "Cancelled", "Crashed"],
  Running: ["Completed", "Failed", "Retrying", "Cancelled", "Crashed", "NotRun"],
  Retrying: ["Running", "Cancelled", "Crashed"],
  Completed: [],
  Cached: [],
  Failed: ["Pending"],
  Cancelled: ["Pending"],
  Crashed: ["Pending"],
  NotRun: ["Pending"],
};

export function canTransitionFlowRun(from: FlowRunState, to: FlowRunState): boolean {
  return FLOW_RUN_TRANSITIONS[from].includes(to);
}

export function canTransitionTaskRun(from: TaskRunState, to: TaskRunState): boolean {
  return TASK_RUN_TRANSITIONS[from].includes(to);
}

/** The states a flow run may move to `to` from. */
export function flowRunStatesLeadingTo(to: FlowRunState): FlowRunState[] {
  return FLOW_RUN_STATES.filter((from) => canTransitionFlowRun(from, to));
}

export function taskRunStatesLeadingTo(to: TaskRunState): TaskRunState[] {
  return TASK_RUN_STATES.filter((from) => canTransitionTaskRun(from, to));
}

export function isFinalFlowRunState(state: FlowRunState): boolean {
  switch (state) {
    case "Completed":
    case "Failed":
    case "Cancelled":
    case "Crashed":
      return true;
    case "Scheduled":
    case "Pending":
    case "Running":
    case "Cancelling":
      return false;
    default:
      return assertNever(state);
  }
}

/** The states of a run that has not ended (what a backfill's "in flight" counts). */
export const UNFINISHED_FLOW_RUN_STATES: readonly FlowRunState[] = FLOW_RUN_STATES.filter(
  (s) => !isFinalFlowRunState(s),
);

/** The states a run ends in. */
export const FINAL_FLOW_RUN_STATES: readonly FlowRunState[] =
  FLOW_RUN_STATES.filter(isFinalFlowRunState);

/**
 * Active: an agent holds the run under a lease (it claimed it, runs it, or must confirm its
 * cancel). These runs fill concurrency slots, are renewed by heartbeats, and accept reports.
 */
export const ACTIVE_FLOW_RUN_STATES = [
  "Pending",
  "Running",
  "Cancelling",
] as const satisfies readonly FlowRunState[];
export type ActiveFlowRunState = (typeof ACTIVE_FLOW_RUN_STATES)[number];

export function isActiveFlowRunState(state: FlowRunState): state is ActiveFlowRunState {
  return (ACTIVE_FLOW_RUN_STATES as readonly FlowRunState[]).includes(state);
}

/** The one state a flow run is created in (its first history row: ∅ → Scheduled). */
export const INITIAL_FLOW_RUN_STATE = "Scheduled" satisfies FlowRunState;
/** The one state a task run (or a mapped task's item) is created in. */
export const INITIAL_TASK_RUN_STATE = "Pending" satisfies TaskRunState;

export function isFinalTaskRunState(state: TaskRunState): boolean {
  switch (state) {
    case "Completed":
    case "Cached":
    case "Failed":
    case "Cancelled":
    case "Crashed":
    case "NotRun":
      return true;
    case "Pending":
    case "Running":
    case "Retrying":
      return false;
    default:
      return assertNever(state);
  }
}

/** The states of a task run that has not ended: what a run's end (or crash, or cancel) sweeps up. */
export const OPEN_TASK_RUN_STATES: readonly TaskRunState[] = TASK_RUN_STATES.filter(
  (s) => !isFinalTaskRunState(s),
);

/** isFinalFlowRunState for what people see (Late and Paused are never final). */
export function isFinalDisplayState(state: FlowRunDisplayState): boolean {
  return state !== "Late" && state !== "Paused" && isFinalFlowRunState(state);
}

/** A run that ended in one of these failed (the failures the dashboard lists). */
export const FAILED_FLOW_RUN_STATES = [
  "Failed",
  "Crashed",
] as const satisfies readonly FlowRunState[];

/** The states a flow-level retry queues a run again from (within its retries): the failed ones. */
export const RETRYABLE_FLOW_RUN_STATES = FAILED_FLOW_RUN_STATES;

/**
 * A flow run may be retried (queued again) only from RETRYABLE_FLOW_RUN_STATES, and only while
 * its attempt is within its retries (attempt 1 is the first run: maxRetries 1 allows attempt 2).
 * The server's SQL of this rule (server/runs/state-machine/leases.ts RETRY_ALLOWED) is tested
 * against this function row by row.
 */
export function canRetryFlowRun(run: { state: FlowRunState; attempt: number; maxRetries: number }) {
  return (
    (RETRYABLE_FLOW_RUN_STATES as readonly FlowRunState[]).includes(run.state) &&
    hasFlowRetriesLeft(run)
  );
}

/**
 * The run's deployment allows another attempt. The lease reaper reads it (as RETRIES_LEFT) to
 * take a silent agent's run over at once instead of waiting for the agent to re-attach.
 */
export function hasFlowRetriesLeft(run: { attempt: number; maxRetries: number }) {
  return run.attempt <= run.maxRetries;
}

/**
 * What a flow-level retry starts over: the task runs that may go back to Pending (Failed,
 * Cancelled, Crashed, NotRun). Completed and Cached ones keep their results.
 */
export const RESTARTABLE_TASK_RUN_STATES: readonly TaskRunState[] =
  taskRunStatesLeadingTo(INITIAL_TASK_RUN_STATE);

/** A task's result can be handed downstream from these. */
export const SUCCESSFUL_TASK_RUN_STATES = [
  "Completed",
  "Cached",
] as const satisfies readonly TaskRunState[];
export type SuccessfulTaskRunState = (typeof SUCCESSFUL_TASK_RUN_STATES)[number];

/** Whether the task's result can be handed downstream. */
export function isSuccessfulTaskRunState(state: TaskRunState): state is SuccessfulTaskRunState {
  return (SUCCESSFUL_TASK_RUN_STATES as readonly TaskRunState[]).includes(state);
}

/** A task that ended in one of these makes its flow run Failed (flowRunOutcome). */
export const FAILING_TASK_RUN_STATES = [
  "Failed",
  "Crashed",
  "NotRun",
] as const satisfies readonly TaskRunState[];

/**
 * The flow run's final state from its tasks' final states: Failed if any task ended Failed,
 * Crashed or NotRun, else Completed.
 */
export function flowRunOutcome(taskStates: readonly TaskRunState[]): "Completed" | "Failed" {
  return taskStates.some((s) => (FAILING_TASK_RUN_STATES as readonly TaskRunState[]).includes(s))
    ? "Failed"
    : "Completed";
}

/**
 * Why a flow run cannot end in `to` with its task runs in these states, or null when it can. An
 * agent's word that a run ended is checked against its tasks, so no run reads Completed while a
 * task still runs or failed:
 * - a run ends only once every task has (none Pending, Running or Retrying);
 * - Completed needs every task Completed or Cached;
 * - Failed needs a task that ended Failed, Crashed or NotRun (flowRunOutcome's rule);
 * - Cancelled and Crashed take any ended tasks (a cancel may come after some completed; the
 *   server itself crashes a run whose lease expired, ending its tasks with it).
 */
export function finalFlowRunStateProblem(
  to: FlowRunState,
  tasks: readonly { name: string; state: TaskRunState }[],
): string | null {
  const open = tasks.find((t) => !isFinalTaskRunState(t.state));
  const stillOpen = () =>
    open
      ? `task "${open.name}" is still ${open.state} (a run ends only once all its tasks have)`
      : null;
  switch (to) {
    case "Scheduled":
    case "Pending":
    case "Running":
    case "Cancelling":
      return null;
    case "Completed": {
      const unsuccessful = tasks.find((t) => !isSuccessfulTaskRunState(t.state));
      if (!unsuccessful) return null;
      return (
        stillOpen() ??
        `task "${unsuccessful.name}" ended ${unsuccessful.state} (Completed needs every task Completed or Cached)`
      );
    }
    case "Failed":
      return (
        stillOpen() ??
        (flowRunOutcome(tasks.map((t) => t.state)) === "Failed"
          ? null
          : "no task ended Failed, Crashed or NotRun (Failed needs one that did)")
      );
    case "Cancelled":
    case "Crashed":
      return stillOpen();
    default:
      return assertNever(to);
  }
}

/** Every state people see, in the order lists and charts show them. */
export const FLOW_RUN_DISPLAY_STATES = [
  "Scheduled",
  "Late",
  "Paused",
  "Pending",
  "Running",
  "Cancelling",
  "Completed",
  "Failed",
  "Cancelled",
  "Crashed",
] as const satisfies readonly FlowRunDisplayState[];

/** What a shown state is decided from: the stored state, the queue's pause, and lateness. */
export type DisplayStateFacts = { state: FlowRunState; queuePaused: boolean; late: boolean };

/**
 * Late and Paused are shown, not stored: a Scheduled run is Paused while its work queue is
 * paused, and Late once its start time is more than `lateAfterMs` past and no agent took it.
 * The one rule: displayFlowRunState applies it to a row, and the runs list applies it in SQL
 * by enumerating these facts (server/runs/display-state-sql.ts), so the two cannot disagree.
 */
export function displayStateOf(facts: DisplayStateFacts): FlowRunDisplayState {
  if (facts.state !== "Scheduled") return facts.state;
  if (facts.queuePaused) return "Paused";
  return facts.late ? "Late" : "Scheduled";
}

/** A run scheduled before this moment is late (when it is still Scheduled). */
export function lateBefore(now: Date, lateAfterMs: number): Date {
  return new Date(now.getTime() - lateAfterMs);
}

export function displayFlowRunState(
  run: { state: FlowRunState; scheduledAt: Date },
  context: { queuePaused: boolean; now: Date; lateAfterMs: number },
): FlowRunDisplayState {
  return displayStateOf({
    state: run.state,
    queuePaused: context.queuePaused,
    late: run.scheduledAt.getTime() < lateBefore(context.now, context.lateAfterMs).getTime(),
  });
}
