// `pipebook watch RUN`: follow a run that already exists (one triggered by a schedule, the
// studio or another shell) as `run --watch` follows the run it creates.
import { defineCommand } from "../command.ts";
import { watchFlowRun } from "./watch.ts";

export const watchCommand = defineCommand({
  name: "watch",
  operands: "RUN",
  arity: { min: 1, max: 1 },
  summary: "follow a flow run's states, log lines and results to its end",
  help: `Follows the flow run RUN (its id): every state change of the run and its tasks and every log
line in the order they happened, each task's result as it completes, why the run waits when no
agent would take it, and the run's end last. A run that has ended is told from its start.
Exits 0 only when the run ends Completed.`,
  options: {},
  async run({ api, positionals }) {
    const state = await watchFlowRun(api(), positionals[0]!);
    return state === "Completed" ? 0 : 1;
  },
});
