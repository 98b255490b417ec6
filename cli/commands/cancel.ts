// `pipebook cancel RUN`: cancel a flow run. A run no agent has taken is Cancelled at once; a run
// an agent holds is Cancelling until the agent has stopped its tasks (--wait waits for that).
import { CancelFlowRunResponseSchema, FlowRunSchema } from "../../contract/api-v1.ts";
import { isFinalDisplayState } from "../../contract/run-states.ts";
import { defineCommand } from "../command.ts";
import { CliError, say, sayJson } from "../output.ts";

// The server answers a wait after at most 60 s; one request per round.
const WAIT_ROUND_SECONDS = 30;

export const cancelCommand = defineCommand({
  name: "cancel",
  operands: "RUN",
  arity: { min: 1, max: 1 },
  summary: "cancel a flow run (Cancelled, or Cancelling until its agent stops it)",
  help: `Cancels the flow run RUN (its id). A run that no agent has taken yet is Cancelled at once. A
run an agent holds becomes Cancelling: the agent stops its tasks within a second or two and
confirms Cancelled (if the agent is gone, its lease expiry makes it Cancelled).

Options:
  --wait               wait until the run has ended and say how; exit 0 only if Cancelled`,
  options: { wait: { type: "boolean", default: false } },
  async run({ api, values, positionals }) {
    const client = api();
    const id = positionals[0]!;
    const result = await client.post(
      `/api/v1/flow-runs/${encodeURIComponent(id)}/cancel`,
      CancelFlowRunResponseSchema,
      {},
    );
    if (!result.ok) throw new CliError(`could not cancel flow run ${id}: ${result.error}`);
    const { state } = result.data;
    if (!values.wait || isFinalDisplayState(state)) {
      if (values.json) sayJson(result.data);
      else if (state === "Cancelling") {
        say(`Cancelling flow run ${id}: its agent is stopping the tasks`);
      } else say(`Flow run ${id} is ${state}`);
      return 0;
    }
    if (!values.json) say(`Cancelling flow run ${id}: waiting for its agent to stop the tasks`);
    for (;;) {
      const run = await client.request(
        `/api/v1/flow-runs/${encodeURIComponent(id)}/wait`,
        FlowRunSchema,
        { query: { timeoutSeconds: String(WAIT_ROUND_SECONDS) } },
      );
      if (!run.ok) throw new CliError(`could not follow flow run ${id}: ${run.error}`);
      const ended = run.data.state;
      if (isFinalDisplayState(ended)) {
        if (values.json) sayJson({ id, state: ended });
        else say(`Flow run ${id} ended ${ended}`);
        // It may have ended on its own before the agent heard of the cancel.
        return ended === "Cancelled" ? 0 : 1;
      }
    }
  },
});
