// A flow's storage with the real agent, against s3rver, on PGlite and PostgreSQL: the precedence
// (a deployment's own choice, else its flow's, else local — storage-choice.ts), runs of a
// deployment that follows its flow writing their large results to the flow's S3 or local
// storage, `storage rm` refused while a flow uses it, and the errors for unknown names.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { liveServer, startLiveAgent } from "../../test/support/live-agent.ts";
import { seedFlow, uniqueName } from "../../test/support/seed.ts";
import { createDeployment } from "../deployments/create-deployment.ts";
import { getDeployment } from "../deployments/get-deployment.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { waitForFlowRun } from "../runs/wait-for-run.ts";
import { getFlowStorage, setFlowStorage } from "./flow-storage.ts";
import { createStorage, deleteStorage, installLocalStorageRoot, listStorages } from "./storages.ts";

const test = freshDatabase();
const server = liveServer(test);
const s3dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-s3rver-"));
const localRoot = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-storage-"));
let s3: S3rver;
beforeAll(async () => {
  installLocalStorageRoot(localRoot);
  s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: s3dir,
    configureBuckets: [{ name: "results", configs: [] }],
  });
  const address = await s3.run();
  await createStorage(test.db, {
    name: "s3-flows",
    kind: "s3",
    endpoint: `http://127.0.0.1:${address.port}`,
    region: "us-east-1",
    bucket: "results",
    prefix: "flows/",
    forcePathStyle: true,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    verify: true,
  });
  startLiveAgent(server);
});
afterAll(async () => {
  await s3?.close();
  fs.rmSync(s3dir, { recursive: true, force: true });
  fs.rmSync(localRoot, { recursive: true, force: true });
});

const ended = (id: string) =>
  waitForFlowRun(test.db, id, { timeoutMs: 60_000, lateAfterMs: 60_000, leaseMs: 15_000 });

// 1,000 strings of 1 KB: ~1 MB of JSON, over the 256 KB inline limit.
const flow = (): FlowFileInput => ({
  name: uniqueName("flow-storage"),
  tasks: [
    {
      name: "make",
      language: "python",
      code: "def main():\n    return ['%05d' % i + 'z' * 1000 for i in range(1000)]",
    },
    {
      name: "use",
      language: "typescript",
      dependsOn: ["make"],
      code: "export default ({ make }: { make: string[] }) => make.length + ':' + make[999]!.slice(0, 5);",
    },
  ],
});

async function runOnce(deploymentId: string) {
  const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
  const run = await ended(id);
  expect(run.state, JSON.stringify(run.taskRuns)).toBe("Completed");
  expect(run.taskRuns.find((t) => t.name === "use")!.result).toBe("1000:00999");
  const row = await test.db.result.findFirst({
    where: { taskRun: { flowRunId: id, name: "make" } },
    include: { storage: { select: { name: true } } },
  });
  expect(row?.value).toBeNull();
  return row!;
}

describe("a flow's storage", () => {
  it("is followed by a deployment deployed without one, unless the deployment chose its own", async () => {
    const spec = flow();
    await seedFlow(test.db, spec);
    const following = await createDeployment(test.db, { flow: spec.name, name: "follows" });
    const pinned = await createDeployment(test.db, {
      flow: spec.name,
      name: "pinned",
      storage: "local",
    });
    expect(await getDeployment(test.db, following.id)).toMatchObject({
      storage: "local",
      storageSource: "default",
    });

    const set = await setFlowStorage(test.db, spec.name, "s3-flows");
    expect(set).toEqual({
      flow: spec.name,
      storage: "s3-flows",
      effective: "s3-flows",
      deployments: [
        { name: "follows", storage: "s3-flows", source: "flow" },
        { name: "pinned", storage: "local", source: "deployment" },
      ],
    });
    expect(await getDeployment(test.db, following.id)).toMatchObject({
      storage: "s3-flows",
      storageSource: "flow",
    });
    const s3 = (await listStorages(test.db)).find((s) => s.name === "s3-flows");
    expect(s3?.deployments).toBe(1);

    // The follower's run writes to the flow's S3 storage; the pinned one's to local.
    const inS3 = await runOnce(following.id);
    expect(inS3.storage?.name).toBe("s3-flows");
    expect(
      fs.existsSync(path.join(s3dir, "results", "flows", `${inS3.storageKey}._S3rver_object`)),
    ).toBe(true);
    const inLocal = await runOnce(pinned.id);
    expect(inLocal.storageId).toBeNull();
    expect(fs.statSync(path.join(localRoot, inLocal.storageKey!)).size).toBe(inLocal.sizeBytes);

    // Cleared: the follower writes to local again; the flow's change is audited once.
    await setFlowStorage(test.db, spec.name, null);
    await setFlowStorage(test.db, spec.name, "local");
    const back = await runOnce(following.id);
    expect(back.storageId).toBeNull();
    expect(fs.existsSync(path.join(localRoot, back.storageKey!))).toBe(true);
    const events = await test.db.auditEvent.findMany({
      where: { action: "flow.storage", targetName: spec.name },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.details)).toEqual([
      { storage: "s3-flows", previous: "local" },
      { storage: "local", previous: "s3-flows" },
    ]);

    // Redeployed without a storage, the pinned deployment follows the flow again.
    await createDeployment(test.db, { flow: spec.name, name: "pinned" });
    expect((await getFlowStorage(test.db, spec.name)).deployments[1]).toEqual({
      name: "pinned",
      storage: "local",
      source: "default",
    });
  });

  it("keeps `storage rm` from removing a storage a flow uses", async () => {
    const spec = flow();
    await seedFlow(test.db, spec);
    await createStorage(test.db, {
      name: "s3-spare",
      kind: "s3",
      endpoint: "http://127.0.0.1:9",
      region: "us-east-1",
      bucket: "results",
      prefix: "",
      forcePathStyle: true,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      verify: false,
    });
    await setFlowStorage(test.db, spec.name, "s3-spare");
    await expect(deleteStorage(test.db, "s3-spare")).rejects.toThrow(
      `storage "s3-spare" is in use by flow ${spec.name}: choose another storage for it first`,
    );
    await setFlowStorage(test.db, spec.name, null);
    await deleteStorage(test.db, "s3-spare");
    expect((await listStorages(test.db)).map((s) => s.name)).not.toContain("s3-spare");
  });

  it("names the closest storage or flow when one is unknown", async () => {
    const spec = flow();
    await seedFlow(test.db, spec);
    await expect(setFlowStorage(test.db, spec.name, "s3-flow")).rejects.toThrow(
      'storage "s3-flow" does not exist (did you mean "s3-flows"?)',
    );
    await expect(getFlowStorage(test.db, `${spec.name}x`)).rejects.toThrow(
      `flow "${spec.name}x" was not found (did you mean "${spec.name}"?)`,
    );
    await expect(
      createDeployment(test.db, { flow: spec.name, name: "d", storage: "lokal" }),
    ).rejects.toThrow('(did you mean "local"?)');
  });
});
