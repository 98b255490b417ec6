// The docker runner: the whole flow run executes inside one container of the deployment's image,
// started with the docker CLI. The agent bundle itself is mounted into the container and runs
// there as `execute-run`: it executes the tasks with the process runner and speaks to this agent
// in JSON lines — events on its stdout, cache answers on its stdin. The image needs Node ≥ 20
// (and python3 for Python tasks).
//
// Not verified against a Docker engine on the build machines (none runs there): the command it
// builds and its behaviour when docker is missing or fails are tested.
import { spawn } from "node:child_process";
import readline from "node:readline";
import {
  ReportEventSchema,
  type ClaimedRun,
  type TaskError,
} from "../../contract/agent-protocol.ts";
import { imageReferenceProblem } from "../../contract/image-reference.ts";
import {
  finalFlowRunStateProblem,
  isFinalFlowRunState,
  type TaskRunState,
} from "../../contract/run-states.ts";
import { notRunEvent, now } from "../executor/events.ts";
import type { FlowEnd } from "../executor/run-flow.ts";
import type { RunRequest, Runner } from "./runner.ts";

export const CONTAINER_BUNDLE = "/opt/pipebook/pipebook-agent.mjs";

export type DockerCommand = { command: string; args: string[]; containerName: string };

/** The run's image cannot be used: the run fails with this, and docker is never started. */
export class InvalidImageError extends Error {}

/**
 * The `docker run` command of a run. The image is checked again here, whatever the server said
 * (a deployment saved before the server checked images, or a tampered database), and `--` ends
 * docker's options before it: the image can never be read as an option.
 */
export function dockerRunCommand(
  run: ClaimedRun,
  options: { docker: string; bundlePath: string },
): DockerCommand {
  const image = run.runner.image;
  if (!image) throw new InvalidImageError("the docker runner needs the deployment's image");
  const problem = imageReferenceProblem(image);
  if (problem) throw new InvalidImageError(`the docker runner refused the deployment's ${problem}`);
  const containerName = `pipebook-run-${run.flowRunId}`;
  return {
    command: options.docker,
    containerName,
    args: [
      "run",
      "--rm",
      "--interactive",
      "--name",
      containerName,
      "--label",
      `pipebook.flow-run=${run.flowRunId}`,
      "--label",
      `pipebook.flow=${run.flow.name}`,
      "--volume",
      `${options.bundlePath}:${CONTAINER_BUNDLE}:ro`,
      "--workdir",
      "/tmp",
      "--",
      image,
      "node",
      CONTAINER_BUNDLE,
      "execute-run",
    ],
  };
}

/** Lines between this agent and the one in the container. */
export type ContainerMessage =
  | { $: "event"; event: unknown }
  | { $: "cache"; id: number; key: string }
  | { $: "context"; id: number; task: string }
  | { $: "end"; state: FlowEnd };

export class DockerRunner implements Runner {
  constructor(
    private readonly options: { docker: string; bundlePath: string; log: (line: string) => void },
  ) {}

  async execute(request: RunRequest): Promise<FlowEnd> {
    const { run, sink } = request;
    let started = false;
    let end: FlowEnd | undefined;
    // The run's end as the container reported it, in case it died before saying "end".
    let ended: FlowEnd | undefined;
    const states = new Map<string, TaskRunState>();
    const stderrTail: string[] = [];
    let docker: DockerCommand;
    try {
      docker = dockerRunCommand(run, this.options);
    } catch (error) {
      if (!(error instanceof InvalidImageError)) throw error;
      return failRun(request, { type: "InvalidImage", message: error.message }, false, states);
    }
    const child = spawn(docker.command, docker.args, { stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.on("error", () => undefined);
    // The run token stays out here: the container asks this agent for a task's context.
    child.stdin.write(`${JSON.stringify({ ...run, runToken: undefined })}\n`);

    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      let message: ContainerMessage;
      try {
        message = JSON.parse(line) as ContainerMessage;
      } catch {
        this.options.log(`[run ${run.flowRunId}] ${line}`);
        return;
      }
      if (message.$ === "event") {
        const event = ReportEventSchema.safeParse(message.event);
        if (!event.success) return;
        if (event.data.type === "flow" && event.data.state === "Running") started = true;
        if (event.data.type === "flow" && isFinalFlowRunState(event.data.state)) {
          ended = event.data.state as FlowEnd;
        }
        if (event.data.type === "task") states.set(event.data.task, event.data.state);
        sink.push(event.data);
      } else if (message.$ === "cache") {
        void request.cacheLookup(message.key).then(
          (answer) =>
            child.stdin.write(`${JSON.stringify({ $: "cache", id: message.id, ...answer })}\n`),
          () =>
            child.stdin.write(`${JSON.stringify({ $: "cache", id: message.id, hit: false })}\n`),
        );
      } else if (message.$ === "context") {
        void request.taskContext(message.task).then(
          (answer) =>
            child.stdin.write(`${JSON.stringify({ $: "context", id: message.id, answer })}\n`),
          (error: unknown) =>
            child.stdin.write(
              `${JSON.stringify({ $: "context", id: message.id, answer: { ok: false, error: String(error) } })}\n`,
            ),
        );
      } else if (message.$ === "end") {
        end = message.state;
      }
    });
    readline.createInterface({ input: child.stderr }).on("line", (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      this.options.log(`[run ${run.flowRunId}] ${line}`);
    });

    // A cancel asks the container's agent to stop its tasks (SIGTERM), then kills the container.
    const onAbort = () => {
      spawn(this.options.docker, ["kill", "--signal", "SIGTERM", docker.containerName], {
        stdio: "ignore",
      }).on("error", () => undefined);
      setTimeout(() => {
        spawn(this.options.docker, ["kill", docker.containerName], { stdio: "ignore" }).on(
          "error",
          () => undefined,
        );
      }, 10_000).unref();
    };
    request.signal.addEventListener("abort", onAbort, { once: true });

    const exit = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>(
      (resolve) => {
        child.once("error", (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
        child.once("close", (code) => resolve({ code }));
      },
    );
    request.signal.removeEventListener("abort", onAbort);
    if (end) return end;
    if (ended) return ended;

    const error: TaskError =
      exit.error?.code === "ENOENT"
        ? {
            type: "RunnerUnavailable",
            message: `the docker runner needs the docker CLI on the agent's host, and "${this.options.docker}" was not found`,
          }
        : {
            type: "RunnerFailed",
            message: `the container exited with code ${exit.code}${stderrTail.length ? `: ${stderrTail.slice(-3).join(" / ")}` : ""}`,
          };
    return failRun(request, error, started, states);
  }
}

/**
 * The container went away without finishing the run: tasks it left running are Crashed, those it
 * never started NotRun, and the run Failed with the reason — unless every task had already ended
 * without failing, when the run ends as its tasks say (the server checks the run's end against
 * its tasks by the same rule, contract/run-states.ts).
 */
function failRun(
  request: RunRequest,
  error: TaskError,
  started: boolean,
  states: Map<string, TaskRunState>,
): FlowEnd {
  const { sink, run } = request;
  if (!started) sink.push({ type: "flow", state: "Running", at: now() });
  const ends: { name: string; state: TaskRunState }[] = [];
  for (const task of run.tasks) {
    const completed = run.completed[task.name];
    if (completed) {
      ends.push({ name: task.name, state: completed.state });
      continue;
    }
    const state = states.get(task.name);
    const attempt = run.priorAttempts[task.name] ?? 0;
    const left = state === "Running" || state === "Retrying";
    ends.push({
      name: task.name,
      state: state === undefined ? "NotRun" : left ? "Crashed" : state,
    });
    if (left) {
      sink.push({ type: "task", task: task.name, state: "Crashed", at: now(), attempt, error });
    } else if (state === undefined) {
      sink.push(notRunEvent(task.name, attempt, error));
    }
  }
  const state = (["Failed", "Completed", "Cancelled"] as const).find(
    (to) => finalFlowRunStateProblem(to, ends) === null,
  )!;
  const message =
    state === "Failed" ? error.message : `${error.message}, after all its tasks had ended`;
  sink.push({ type: "flow", state, at: now(), message, ...(state === "Failed" ? { error } : {}) });
  return state;
}
