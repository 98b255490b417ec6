// Cancelling a flow run. Before any agent took it, it is Cancelled at once (with its task runs).
// Once claimed, cancel is two-phase: the run becomes Cancelling, its agent learns it on the next
// heartbeat, kills the task processes and confirms Cancelled (or the lease expiry forces it).
import type { FlowRunState } from "../../contract/run-states.ts";
import { assertNever, flowRunStatesLeadingTo } from "../../contract/run-states.ts";
import type { Db, Tx } from "../db/client.ts";
import { isUuid } from "../db/ids.ts";
import { NotFoundError, PipebookError } from "../errors.ts";
import { publish } from "../events/bus.ts";
import { transitionFlowRun, transitionTaskRuns } from "./state-machine/index.ts";
import { SYSTEM_ACTOR, type Actor } from "../audit/actor.ts";
import { audit } from "../audit/record.ts";

export async function cancelFlowRun(
  db: Db,
  id: string,
  actor: Actor = SYSTEM_ACTOR,
  /** Why, when the server cancels it by a rule (shown as the run's state message). */
  reason?: string,
): Promise<{ id: string; state: FlowRunState }> {
  if (!isUuid(id)) throw new NotFoundError("flow run", id);
  // Only the call that moves the run records it: a second cancel changes nothing.
  const recordCancel = (tx: Tx, from: FlowRunState) =>
    audit(tx, actor, "run.cancel", { type: "flowRun", id }, reason ? { from, reason } : { from });
  // Each pass reads the state and tries the transition it calls for; losing a race to another
  // writer (the agent claiming or finishing the run) just means reading again.
  for (let pass = 0; pass < 5; pass++) {
    const run = await db.flowRun.findUnique({ where: { id }, select: { state: true } });
    if (!run) throw new NotFoundError("flow run", id);
    switch (run.state) {
      case "Scheduled": {
        const cancelled = await db.$transaction(async (tx) => {
          const from = await transitionFlowRun(tx, {
            id,
            from: ["Scheduled"],
            to: "Cancelled",
            message: reason ?? "Cancelled before an agent took it",
          });
          if (!from) return false;
          await transitionTaskRuns(tx, {
            flowRunId: id,
            from: ["Pending"],
            to: "Cancelled",
            message: "The flow run was cancelled",
          });
          await recordCancel(tx, "Scheduled");
          return true;
        });
        if (cancelled) {
          publish("run-changed", id);
          publish("run-ended", id);
          return { id, state: "Cancelled" };
        }
        break;
      }
      case "Pending":
      case "Running": {
        const holder = await db.flowRun.findUnique({ where: { id }, select: { agentId: true } });
        const from = await db.$transaction(async (tx) => {
          const moved = await transitionFlowRun(tx, {
            id,
            from: flowRunStatesLeadingTo("Cancelling"),
            to: "Cancelling",
            message: reason
              ? `${reason}; waiting for the agent to stop the tasks`
              : "Cancel requested; waiting for the agent to stop the tasks",
          });
          if (moved) await recordCancel(tx, moved);
          return moved;
        });
        if (from) {
          publish("run-changed", id);
          // Wakes the agent's hanging heartbeat: it stops the tasks now, not on its next tick.
          if (holder?.agentId) publish("run-cancel", holder.agentId);
          return { id, state: "Cancelling" };
        }
        break;
      }
      case "Cancelling":
      case "Cancelled":
        return { id, state: run.state };
      case "Completed":
      case "Failed":
      case "Crashed":
        throw new PipebookError(
          "invalid_state",
          `flow run ${id} already ended ${run.state}: there is nothing to cancel`,
          { state: run.state },
        );
      default:
        assertNever(run.state);
    }
  }
  throw new PipebookError("conflict", `flow run ${id} kept changing state; try again`);
}
