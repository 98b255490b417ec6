// S3 storage blocks against an S3-compatible server started here (s3rver), with the real agent,
// on PGlite and PostgreSQL: a storage is checked on create (wrong credentials, a wrong endpoint, a
// missing bucket are refused in words), the agent uploads a large result with a pre-signed PUT
// and downloads it with a pre-signed GET, and a storage whose credentials are wrong fails the
// task with the storage's own answer. (s3rver checks access key ids but not V4 signatures, so the
// wrong credential here is the key id.)
import { spawn } from "node:child_process";
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
import { createFlowRun } from "../runs/create-flow-run.ts";
import { replayFlowRun } from "../runs/replay/replay-flow-run.ts";
import { waitForFlowRun } from "../runs/wait-for-run.ts";
import { createStorage, deleteStorage, listStorages } from "./storages.ts";

const test = freshDatabase();
const server = liveServer(test);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-s3rver-"));
let s3: S3rver;
let endpoint = "";
beforeAll(async () => {
  s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: "results", configs: [] }],
  });
  const address = await s3.run();
  endpoint = `http://127.0.0.1:${address.port}`;
  startLiveAgent(server);
});
afterAll(async () => {
  await s3?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// s3rver's own credentials.
const GOOD = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const settings = (name: string, over: Record<string, unknown> = {}) => ({
  name,
  kind: "s3" as const,
  endpoint,
  region: "us-east-1",
  bucket: "results",
  prefix: "pipebook",
  forcePathStyle: true,
  verify: true,
  ...GOOD,
  ...over,
});

const ended = (id: string) =>
  waitForFlowRun(test.db, id, { timeoutMs: 60_000, lateAfterMs: 60_000, leaseMs: 15_000 });

const flow = (): FlowFileInput => ({
  name: uniqueName("s3-results"),
  tasks: [
    {
      name: "make",
      language: "python",
      code: "def main():\n    return ['%05d' % i + 'y' * 1000 for i in range(1000)]",
    },
    {
      name: "use",
      language: "typescript",
      dependsOn: ["make"],
      code: "export default ({ make }: { make: string[] }) => make.length + ':' + make[999]!.slice(0, 5);",
    },
  ],
});

async function deployTo(storage: string) {
  const spec = flow();
  await seedFlow(test.db, spec);
  const { id } = await createDeployment(test.db, { flow: spec.name, name: "s3", storage });
  return id;
}

describe("an S3 storage", () => {
  it("is refused on create, in the storage's words, with wrong credentials, endpoint or bucket", async () => {
    await expect(
      createStorage(test.db, settings("s3-wrong-key", { accessKeyId: "NOT-A-KEY" }) as never),
    ).rejects.toThrow(/storage "s3-wrong-key" .* failed: .*HTTP 403.*credentials were refused/);
    await expect(
      createStorage(test.db, settings("s3-nowhere", { endpoint: "http://127.0.0.1:9" }) as never),
    ).rejects.toThrow(
      /storage "s3-nowhere" \(http:\/\/127.0.0.1:9\) failed: .*is the endpoint right/,
    );
    await expect(
      createStorage(test.db, settings("s3-no-bucket", { bucket: "missing" }) as never),
    ).rejects.toThrow(/the bucket does not exist/);
    expect((await listStorages(test.db)).map((s) => s.name)).toEqual(["local"]);
  });

  it("takes a large result by pre-signed PUT and gives it back by pre-signed GET", async () => {
    const created = await createStorage(test.db, settings("s3-good") as never);
    expect(created).toMatchObject({
      name: "s3-good",
      kind: "s3",
      prefix: "pipebook/",
      credentialSecrets: ["STORAGE_S3_GOOD_ACCESS_KEY_ID", "STORAGE_S3_GOOD_SECRET_ACCESS_KEY"],
    });
    expect(JSON.stringify(await listStorages(test.db))).not.toContain("S3RVER");

    const deploymentId = await deployTo("s3-good");
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const run = await ended(id);
    expect(run.state, JSON.stringify(run.taskRuns)).toBe("Completed");
    expect(run.taskRuns.find((t) => t.name === "use")!.result).toBe("1000:00999");
    const row = await test.db.result.findFirst({
      where: { taskRun: { flowRunId: id, name: "make" } },
      include: { storage: true },
    });
    expect(row?.storage?.name).toBe("s3-good");
    expect(row?.value).toBeNull();
    // In the bucket, under the prefix (s3rver keeps objects as files).
    const object = path.join(dir, "results", "pipebook", row!.storageKey!);
    expect(fs.statSync(`${object}._S3rver_object`).size).toBe(row!.sizeBytes);

    // The API reads it from the bucket.
    const answer = await fetch(`${server.url}/api/v1/flow-runs/${id}/tasks/make/result`, {
      headers: { authorization: `Bearer ${server.apiKey}` },
    });
    expect(((await answer.json()) as string[]).length).toBe(1000);

    // Run from here: a new run folder, so the agent downloads it (pre-signed GET).
    const replay = await replayFlowRun(test.db, {
      runId: id,
      kind: "fromTask",
      task: "use",
      version: "run",
    });
    const again = await ended(replay.id);
    expect(again.taskRuns.find((t) => t.name === "use")!.result).toBe("1000:00999");

    // In use: it cannot be removed.
    await expect(deleteStorage(test.db, "s3-good")).rejects.toThrow(
      /storage "s3-good" is in use by deployment .*\/s3: choose another storage for it first/,
    );
  });

  it("with wrong credentials fails the task with the storage's answer", async () => {
    await createStorage(
      test.db,
      settings("s3-bad-key", { accessKeyId: "NOT-A-KEY", verify: false }) as never,
    );
    const deploymentId = await deployTo("s3-bad-key");
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const run = await ended(id);
    const make = run.taskRuns.find((t) => t.name === "make")!;
    expect(make.state).toBe("Failed");
    expect(make.error?.type).toBe("StorageError");
    expect(make.error?.message).toMatch(
      /the result \(1\.0 MB of JSON\) could not be stored: uploading to 127\.0\.0\.1:\d+ failed: HTTP 403 InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records/,
    );
    expect(run.taskRuns.find((t) => t.name === "use")!.state).toBe("NotRun");
  });

  it("is created, listed and removed with the CLI, the secret key read from stdin", async () => {
    const cli = path.resolve(import.meta.dirname, "../../bin/pipebook.mjs");
    // Async: the API is served from this very process.
    const pipebook = (args: string[], input = "") =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [
          cli,
          ...args,
          "--api-url",
          server.url,
          "--api-key",
          server.apiKey,
        ]);
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.on("close", (code) => resolve({ code, out }));
        child.stdin.end(input);
      });
    const created = await pipebook(
      [
        "storage",
        "create",
        "s3-cli",
        "--bucket",
        "results",
        "--endpoint",
        endpoint,
        "--path-style",
        "--access-key-id",
        "S3RVER",
      ],
      "S3RVER\n",
    );
    expect(created.out).toContain(
      "Created storage s3-cli (bucket results); its keys are kept as secrets STORAGE_S3_CLI_ACCESS_KEY_ID and STORAGE_S3_CLI_SECRET_ACCESS_KEY",
    );
    expect(created.code).toBe(0);
    const listed = await pipebook(["storage", "ls"]);
    expect(listed.out).toMatch(/local\s+local\s+the server's data folder/);
    expect(listed.out).toMatch(new RegExp(`s3-cli\\s+s3\\s+${endpoint} results/\\s+0\\s+0`));
    expect(listed.out).not.toContain("S3RVER");
    expect((await pipebook(["storage", "rm", "local"])).out).toContain(
      'could not remove storage local: "local" is the built-in storage (the server\'s data folder) and cannot be removed',
    );
    expect((await pipebook(["storage", "rm", "s3-cl"])).out).toContain(
      'could not remove storage s3-cl: storage "s3-cl" does not exist (did you mean "s3-cli"?)',
    );
    expect((await pipebook(["storage", "rm", "s3-cli"])).out).toContain("Removed storage s3-cli");
    const bad = await pipebook(
      [
        "storage",
        "create",
        "s3-cli2",
        "--bucket",
        "results",
        "--endpoint",
        "ftp://x",
        "--access-key-id",
        "A",
      ],
      "B",
    );
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain("the endpoint is an http(s) URL with no path");
  });
});
