import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, seedFlow, uniqueName } from "../../test/support/seed.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { transitionFlowRun } from "../runs/state-machine/index.ts";
import { getFlowVersionView, listFlowVersions } from "./get-flow.ts";
import { deleteFlow } from "./delete-flow.ts";
import { renameFlow } from "./rename-flow.ts";

const test = freshDatabase();

describe("renaming, reading and deleting flows", () => {
  it("a rename is a new version carrying the new name; deployments stay with the flow", async () => {
    const { flow, deploymentId } = await seedDeployment(test.db);
    const newName = uniqueName("renamed");
    expect(await renameFlow(test.db, { name: flow.name, newName })).toMatchObject({
      id: flow.id,
      name: newName,
      version: 2,
    });
    const view = await getFlowVersionView(test.db, newName);
    expect(view).toMatchObject({ version: 2, latestVersion: 2, spec: { name: newName } });
    expect((await getFlowVersionView(test.db, newName, 1)).spec.name).toBe(flow.name);
    expect((await listFlowVersions(test.db, newName)).map((v) => v.version)).toEqual([2, 1]);
    const deployment = await test.db.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(deployment.flowId).toBe(flow.id);
    await expect(getFlowVersionView(test.db, flow.name)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("refuses a taken or malformed name, leaving the flow as it was", async () => {
    const a = await seedFlow(test.db);
    const b = await seedFlow(test.db);
    await expect(renameFlow(test.db, { name: a.name, newName: b.name })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining(b.name),
    });
    await expect(renameFlow(test.db, { name: a.name, newName: "Bad Name" })).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("Bad Name"),
    });
    expect((await listFlowVersions(test.db, a.name)).length).toBe(1);
  });

  it("deletes a flow with its runs, but not while one of them is running", async () => {
    const { flow, deploymentId } = await seedDeployment(test.db);
    const run = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    await transitionFlowRun(test.db, { id: run.id, from: ["Scheduled"], to: "Pending" });
    await expect(deleteFlow(test.db, flow.name)).rejects.toMatchObject({ code: "conflict" });
    await transitionFlowRun(test.db, { id: run.id, from: ["Pending"], to: "Crashed" });
    await deleteFlow(test.db, flow.name);
    expect(await test.db.flow.count({ where: { id: flow.id } })).toBe(0);
    expect(await test.db.flowRun.count({ where: { id: run.id } })).toBe(0);
    await expect(deleteFlow(test.db, flow.name)).rejects.toMatchObject({ code: "not_found" });
  });
});
