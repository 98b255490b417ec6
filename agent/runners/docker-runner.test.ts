import { describe, expect, it } from "vitest";
import type { ClaimedRun } from "../../contract/agent-protocol.ts";
import { CONTAINER_BUNDLE, dockerRunCommand } from "./docker-runner.ts";

const run = {
  flowRunId: "5b0c7c63-6f06-4b1b-9d2b-7a9f8f1f2a10",
  flow: { name: "etl", version: 3 },
  runner: { kind: "docker", image: "python:3.12-slim" },
} as ClaimedRun;

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
        "python:3.12-slim",
        "node", CONTAINER_BUNDLE, "execute-run",
      ],
    }); // prettier-ignore
  });

  it("needs an image", () => {
    expect(() =>
      dockerRunCommand(
        { ...run, runner: { kind: "docker", image: null } },
        { docker: "docker", bundlePath: "/a" },
      ),
    ).toThrow("the docker runner needs the deployment's image");
  });
});
