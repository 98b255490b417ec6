import { describe, expect, it } from "vitest";
import { checkDeploymentFileText, isDeploymentFile } from "./deployment-file.ts";

describe("deployment files", () => {
  it("reads a deployment with its schedules, defaults filled in", () => {
    const check = checkDeploymentFileText(
      `flow: ./flow.yaml
name: nightly
overlap: skip
schedules:
  - cron: "0 6 * * 1-5"
    timezone: Europe/Paris
  - interval: 1h
    active: false
`,
      "yaml",
    );
    expect(check.issues).toEqual([]);
    expect(check.deployment).toMatchObject({
      flow: "./flow.yaml",
      name: "nightly",
      workQueue: "default",
      overlap: "skip",
      catchup: "latest",
      schedules: [
        { cron: "0 6 * * 1-5", timezone: "Europe/Paris", active: true, parameters: {} },
        { interval: "1h", timezone: "UTC", active: false },
      ],
    });
  });

  it("names every problem with its field and line", () => {
    const check = checkDeploymentFileText(
      `flow: ./flow.yaml
name: nightly
overlap: sometimes
schedules:
  - cron: "0 6 * * *"
    every: 5m
  - interval: 5m
    cron: "* * * * *"
`,
      "yaml",
    );
    expect(check.deployment).toBeUndefined();
    expect(check.issues.map((i) => [i.location?.line, i.message])).toEqual([
      [
        3,
        'overlap must be one of "allow", "skip", "bufferOne", "cancelPrevious" (got string "sometimes")',
      ],
      [6, 'schedules[0]: unknown field "every"'],
      [
        7,
        'schedules[1] give only one of "cron", "interval" or "rrule" (this has cron and interval)',
      ],
    ]);
  });

  it("tells a deployment file from a flow file", () => {
    expect(isDeploymentFile({ flow: "x", name: "n" })).toBe(true);
    expect(isDeploymentFile({ name: "n", tasks: [] })).toBe(false);
    expect(isDeploymentFile("flow")).toBe(false);
  });
});
