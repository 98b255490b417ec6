import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { seedFlow, threeTasks } from "../../test/support/seed.ts";
import { createDeployment, type CreateDeploymentInput } from "./create-deployment.ts";
import { getDeployment, listDeployments } from "./get-deployment.ts";

const test = freshDatabase();

const input = (flow: string, over: Partial<CreateDeploymentInput> = {}): CreateDeploymentInput => ({
  flow,
  name: "nightly",
  parameters: {},
  workQueue: "default",
  tags: [],
  retries: 0,
  retryDelaySeconds: 0,
  runner: "process",
  ...over,
});

describe("deployments", () => {
  it("deploy the flow's latest version and create the work queue on first use", async () => {
    const flow = await seedFlow(test.db);
    const queue = `gpu-${flow.id.slice(0, 8)}`;
    const { id, created } = await createDeployment(
      test.db,
      input(flow.name, { workQueue: queue, tags: ["gpu", "gpu"] }),
    );
    expect(created).toBe(true);
    const view = await getDeployment(test.db, id);
    expect(view).toMatchObject({
      name: "nightly",
      flow: flow.name,
      version: 1,
      workQueue: queue,
      tags: ["gpu"],
    });
    expect(await test.db.workQueue.count({ where: { name: queue } })).toBe(1);
  });

  it("update the deployment of the same flow and name, moving it to the latest version", async () => {
    const flow = threeTasks();
    await seedFlow(test.db, flow);
    const first = await createDeployment(test.db, input(flow.name));
    await seedFlow(test.db, { ...flow, description: "v2" });
    const second = await createDeployment(test.db, input(flow.name, { parameters: { n: 5 } }));
    expect(second).toEqual({ id: first.id, created: false });
    expect(await getDeployment(test.db, first.id)).toMatchObject({
      version: 2,
      parameters: { n: 5 },
    });
    expect(await listDeployments(test.db, { flow: flow.name })).toHaveLength(1);
  });

  it("check default parameters against the schema, leaving required ones to the run", async () => {
    const flow = await seedFlow(test.db);
    await expect(
      createDeployment(test.db, input(flow.name, { parameters: { n: "five" } })),
    ).rejects.toMatchObject({
      code: "invalid_parameters",
      message:
        'invalid parameters for deployment "nightly" of flow "' +
        flow.name +
        '": parameter "n" must be integer (got string "five")',
    });
    await expect(
      createDeployment(test.db, input(flow.name, { parameters: { nope: 1 } })),
    ).rejects.toMatchObject({
      code: "invalid_parameters",
    });
  });

  it("are refused for a flow that does not exist, and a docker runner needs an image", async () => {
    await expect(createDeployment(test.db, input("no-such-flow"))).rejects.toMatchObject({
      code: "not_found",
      message: expect.stringContaining('flow "no-such-flow" was not found'),
    });
    const flow = await seedFlow(test.db);
    await expect(
      createDeployment(test.db, input(flow.name, { runner: "docker" })),
    ).rejects.toMatchObject({
      code: "bad_request",
    });
  });

  it("an unknown or malformed id is not found", async () => {
    await expect(getDeployment(test.db, "nope")).rejects.toMatchObject({ code: "not_found" });
    await expect(getDeployment(test.db, crypto.randomUUID())).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
