// `pipebook work-queue resume QUEUE`.
import { defineCommand } from "../command.ts";
import { setPaused } from "./work-queue-pause.ts";

export const workQueueResumeCommand = defineCommand({
  name: "work-queue resume",
  operands: "QUEUE",
  arity: { min: 1, max: 1 },
  summary: "resume a paused work queue",
  help: `Resumes the work queue: agents serving it claim its due runs at once. Resuming a queue that
is not paused changes nothing.`,
  options: {},
  run: ({ api, values, positionals }) => setPaused(api(), positionals[0]!, false, values.json),
});
