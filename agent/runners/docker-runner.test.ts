import { describe, expect, it } from "vitest";
import type { ClaimedRun, ReportEvent } from "../../contract/agent-protocol.ts";
import { CONTAINER_BUNDLE, DockerRunner, dockerRunCommand } from "./docker-runner.ts";

const run = {
  flowRunId: "5b0c7c63-6f06-4b1b-9d2b-7a9f8f1f2a10",
  flow: { name: "etl", version: 3 },
  runner: { kind: "docker", image: "python:3.12-slim" },
  tasks: [{ name: "extract" }, { name: "load" }],
  completed: {},
  priorAttempts: {},
} as unknown as ClaimedRun;

const withImage = (image: string | null) => ({
  ...run,
  runner: { kind: "docker" as const, image },
});

describe("the docker runner's command", () => {
  it("runs the whole flow run in one container of the image, with the agent bundle mounted", () => {
    expect(dockerRunCommand(run, { docker: "docker", bundlePath: "/opt/agent/pipebook-agent.mjs" })).toEqual({
      command: "docker",
      containerName: `pipebook-run-${run.flowRunId}`,
      args: [
        "run", "--rm", "--interactive",
        "--name", `pipebook-run-${run.flowRunId}`,
        "--label", `pipebook.flow-run=${run.flowRunId}`,
        "--label", "pipebook.flow=etl",
        "--volume", `/opt/agent/pipebook-agent.mjs:${CONTAINER_BUNDLE}:ro`,
        "--workdir", "/tmp",
        "--",
        "python:3.12-slim",
        "node", CONTAINER_BUNDLE, "execute-run",
      ],
    }); // prettier-ignore
  });

  it("ends docker's options before the image, so nothing after it is read as an option", () => {
    const { args } = dockerRunCommand(withImage("ghcr.io/org/app:1.2"), {
      docker: "docker",
      bundlePath: "/a",
    });
    expect(args[args.indexOf("ghcr.io/org/app:1.2") - 1]).toBe("--");
  });

  it("needs an image", () => {
    expect(() => dockerRunCommand(withImage(null), { docker: "docker", bundlePath: "/a" })).toThrow(
      "the docker runner needs the deployment's image",
    );
  });

  it.each(["--volume=/:/host", "--privileged", "-v/:/host", "python:3.12 --privileged", "Python"])(
    "refuses the image %j, whatever the server stored",
    (image) => {
      expect(() =>
        dockerRunCommand(withImage(image), { docker: "docker", bundlePath: "/a" }),
      ).toThrow(
        /^the docker runner refused the deployment's image .* \(expected \[registry\[:port\]\/\]name/,
      );
    },
  );

  it("fails a run with such an image without starting docker: its tasks NotRun, the run Failed", async () => {
    const events: ReportEvent[] = [];
    // A docker that does not exist: were it started, the error would be RunnerUnavailable.
    const runner = new DockerRunner({
      docker: "/nonexistent/docker",
      bundlePath: "/a",
      log: () => {},
    });
    const end = await runner.execute({
      run: withImage("--privileged"),
      sink: { push: (event) => events.push(event) },
      signal: new AbortController().signal,
      cacheLookup: async () => ({ hit: false }),
      taskContext: async () => ({ ok: true, context: { secrets: {}, variables: {} } }),
    });
    expect(end).toBe("Failed");
    expect(events.map((e) => [e.type, "task" in e ? e.task : null, "state" in e ? e.state : null])).toEqual([
      ["flow", null, "Running"],
      ["task", "extract", "NotRun"],
      ["task", "load", "NotRun"],
      ["flow", null, "Failed"],
    ]); // prettier-ignore
    expect(events.at(-1)).toMatchObject({
      error: { type: "InvalidImage", message: expect.stringContaining('must not start with "-"') },
    });
  });
});
