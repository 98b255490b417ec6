// Artifacts with the real agent (the bundle a VM downloads, its Python, Node and bash child
// processes), on PGlite and PostgreSQL, through the local storage: files a task leaves in
// $PIPEBOOK_ARTIFACTS or saves with save_artifact()/saveArtifact() are uploaded when the attempt
// ends (also a failed one), listed with task, size and type, and download byte-exact with the
// headers that keep user HTML from running on the studio's origin.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArtifactList } from "../../contract/api-v1.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { liveServer, startLiveAgent } from "../../test/support/live-agent.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { waitForFlowRun } from "../runs/wait-for-run.ts";
import { createDeployment } from "../deployments/create-deployment.ts";
import { seedFlow } from "../../test/support/seed.ts";
import { createStorage } from "../storage/storages.ts";
import { SYSTEM_ACTOR } from "../audit/actor.ts";
import { claimRetentionPass, runRetentionPass } from "../retention/retention-pass.ts";
import { setDeploymentRetention, setGlobalRetention } from "../retention/set-retention.ts";
import { installLocalStorageRoot } from "../storage/storages.ts";

const test = freshDatabase();
const server = liveServer(test);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-artifacts-"));
const s3dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-artifacts-s3-"));
let s3: S3rver;
let endpoint = "";
beforeAll(async () => {
  installLocalStorageRoot(root);
  s3 = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: s3dir,
    configureBuckets: [{ name: "artifacts", configs: [] }],
  });
  endpoint = `http://127.0.0.1:${(await s3.run()).port}`;
  startLiveAgent(server);
});
afterAll(async () => {
  await s3?.close();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(s3dir, { recursive: true, force: true });
});

const ended = (id: string) =>
  waitForFlowRun(test.db, id, { timeoutMs: 60_000, lateAfterMs: 60_000, leaseMs: 15_000 });
const get = (url: string) =>
  fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
// The CLI, as a child process (async: the API is served from this very process).
const pipebook = (args: string[]) =>
  new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const cli = path.resolve(import.meta.dirname, "../../bin/pipebook.mjs");
    const child = spawn(process.execPath, [
      cli,
      ...args,
      "--api-url",
      server.url,
      "--api-key",
      server.apiKey,
    ]);
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("latin1")));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("close", (code) => resolve({ code, out, err }));
  });
const sha = (bytes: Uint8Array) => crypto.createHash("sha256").update(bytes).digest("hex");

const HTML = "<html><body><script>alert(document.cookie)</script><h1>Report</h1></body></html>";
// 1,024,000 bytes holding every byte value.
const BINARY = Buffer.concat(
  Array.from({ length: 4000 }, () => Buffer.from([...Array(256).keys()])),
);
const NUMBERS = Array.from({ length: 50_000 }, (_, i) => `${i + 1}\n`).join("");

describe("artifacts through the local storage", () => {
  it("are uploaded from Python, shell and TypeScript tasks, listed, and download byte-exact", async () => {
    const { deploymentId } = await seedDeployment(test.db, {
      name: uniqueName("artifacts"),
      tasks: [
        {
          name: "py",
          language: "python",
          code: [
            "import os",
            "from pathlib import Path",
            "from pipebook import save_artifact",
            "def main():",
            "    folder = os.environ['PIPEBOOK_ARTIFACTS']",
            "    Path(folder, 'data.bin').write_bytes(bytes(range(256)) * 4000)",
            "    Path(folder, 'empty.txt').write_text('')",
            `    save_artifact('reports/summary.html', ${JSON.stringify(HTML)})`,
            "    Path('/tmp/pipebook-artifact-source.txt').write_text('copied')",
            "    save_artifact('copy.txt', Path('/tmp/pipebook-artifact-source.txt'))",
            // A link out of the folder is not followed: the agent uploads only what is inside.
            "    os.symlink('/etc/passwd', os.path.join(folder, 'passwd'))",
            "    return 1",
          ].join("\n"),
        },
        {
          name: "sh",
          language: "shell",
          code: `printf '%s' '${HTML}' > "$PIPEBOOK_ARTIFACTS/report.html"\nseq 1 50000 > "$PIPEBOOK_ARTIFACTS/numbers.txt"\necho done`,
        },
        {
          name: "ts",
          language: "typescript",
          code: 'import { saveArtifact } from "pipebook";\nexport default () => { saveArtifact("out.json", JSON.stringify({ ok: true })); return 2; };',
        },
        {
          name: "none",
          language: "python",
          code: "def main():\n    return 3",
        },
      ],
    });
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const run = await ended(id);
    expect(run.state, JSON.stringify(run.taskRuns)).toBe("Completed");

    const answer = await get(`/api/v1/flow-runs/${id}/artifacts`);
    expect(answer.status).toBe(200);
    const { artifacts } = (await answer.json()) as ArtifactList;
    expect(
      artifacts.map((a) => [a.task, a.name, a.sizeBytes, a.contentType, a.attempt, a.item]),
    ).toEqual([
      ["py", "copy.txt", 6, "text/plain", 1, null],
      ["py", "data.bin", BINARY.length, "application/octet-stream", 1, null],
      ["py", "empty.txt", 0, "text/plain", 1, null],
      ["py", "reports/summary.html", HTML.length, "text/html", 1, null],
      ["sh", "numbers.txt", NUMBERS.length, "text/plain", 1, null],
      ["sh", "report.html", HTML.length, "text/html", 1, null],
      ["ts", "out.json", 11, "application/json", 1, null],
    ]);
    // The link was skipped, and said so in the task's log.
    const logs = await test.db.logChunk.findMany({ where: { flowRunId: id } });
    expect(JSON.stringify(logs)).toContain("artifact not uploaded: passwd (not a regular file)");

    const download = async (name: string) => {
      const artifact = artifacts.find((a) => a.name === name)!;
      const got = await get(artifact.url);
      expect(got.status).toBe(200);
      return { headers: got.headers, bytes: Buffer.from(await got.arrayBuffer()) };
    };
    const bin = await download("data.bin");
    expect(sha(bin.bytes)).toBe(sha(BINARY));
    const numbers = await download("numbers.txt");
    expect(numbers.bytes.toString()).toBe(NUMBERS);
    const html = await download("reports/summary.html");
    expect(html.bytes.toString()).toBe(HTML);
    expect(Object.fromEntries(html.headers)).toMatchObject({
      "content-type": "text/html",
      "content-length": String(HTML.length),
      "content-disposition": `attachment; filename="summary.html"; filename*=UTF-8''summary.html`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
    });
    expect((await download("copy.txt")).bytes.toString()).toBe("copied");
    expect((await download("empty.txt")).bytes.length).toBe(0);

    // The CLI lists them and downloads one to a file, byte-exact, and one to stdout.
    const listed = await pipebook(["run", "artifacts", id]);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/data\.bin\s+py\s+1\s+1000 KB\s+application\/octet-stream/);
    expect(listed.out).toMatch(/numbers\.txt\s+sh\s+1\s+282 KB\s+text\/plain/);
    const file = path.join(root, "downloaded.bin");
    const saved = await pipebook(["run", "download-artifact", id, "data.bin", "-o", file]);
    expect(saved.err).toContain(`Downloaded data.bin (1000 KB, task py, attempt 1) to ${file}`);
    expect(sha(fs.readFileSync(file))).toBe(sha(BINARY));
    const printed = await pipebook([
      "run",
      "download-artifact",
      id,
      "reports/summary.html",
      "-o",
      "-",
    ]);
    expect(printed.out).toBe(HTML);
    const missing = await pipebook(["run", "download-artifact", id, "nope.txt"]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain(`flow run ${id} has no artifact "nope.txt"`);

    // One task's artifacts; the objects are in the storage folder, under the run's prefix.
    const onlySh = (await (
      await get(`/api/v1/flow-runs/${id}/artifacts?task=sh`)
    ).json()) as ArtifactList;
    expect(onlySh.artifacts.map((a) => a.name)).toEqual(["numbers.txt", "report.html"]);
    const rows = await test.db.artifact.findMany({ where: { flowRunId: id } });
    for (const row of rows) {
      expect(row.storageKey.startsWith(`runs/${id}/artifacts/${row.task}/1-`)).toBe(true);
      expect(fs.statSync(path.join(root, row.storageKey)).size).toBe(row.sizeBytes);
    }
  });

  it("are kept from a failed attempt too, one set per attempt, each from an empty folder", async () => {
    const { deploymentId } = await seedDeployment(test.db, {
      name: uniqueName("artifacts-fail"),
      tasks: [
        {
          name: "flaky",
          language: "python",
          retries: 1,
          // The agent reuses an attempt's folder, emptied, for a later one (folder-pool.ts): the
          // second attempt must not upload the first one's file again.
          code: "import os\nfrom pipebook import save_artifact\ndef main():\n    attempt = os.environ['PIPEBOOK_ATTEMPT']\n    save_artifact('trace.txt', 'attempt ' + attempt)\n    if attempt == '1':\n        save_artifact('first.txt', 'only the first')\n    raise ValueError('no')",
        },
      ],
    });
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const run = await ended(id);
    expect(run.taskRuns[0]!.state).toBe("Failed");
    const { artifacts } = (await (
      await get(`/api/v1/flow-runs/${id}/artifacts`)
    ).json()) as ArtifactList;
    const kept = artifacts.map((a) => [a.attempt, a.name]).sort();
    expect(kept).toEqual([
      [1, "first.txt"],
      [1, "trace.txt"],
      [2, "trace.txt"],
    ]);
    const second = artifacts.find((a) => a.attempt === 2)!;
    expect(await (await get(second.url)).text()).toBe("attempt 2");
  });

  it("answers a missing run or artifact with 404 and what was missing", async () => {
    const missingRun = crypto.randomUUID();
    const list = await get(`/api/v1/flow-runs/${missingRun}/artifacts`);
    expect(list.status).toBe(404);
    expect(((await list.json()) as { error: { message: string } }).error.message).toContain(
      `flow run "${missingRun}" was not found`,
    );
    const { deploymentId } = await seedDeployment(test.db, {
      name: uniqueName("artifacts-404"),
      tasks: [{ name: "a", language: "shell", code: "echo 1" }],
    });
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    await ended(id);
    const empty = (await (await get(`/api/v1/flow-runs/${id}/artifacts`)).json()) as ArtifactList;
    expect(empty.artifacts).toEqual([]);
    const missing = crypto.randomUUID();
    const one = await get(`/api/v1/flow-runs/${id}/artifacts/${missing}`);
    expect(one.status).toBe(404);
    expect(((await one.json()) as { error: { message: string } }).error.message).toContain(missing);
    expect((await get(`/api/v1/flow-runs/${id}/artifacts/not-a-uuid`)).status).toBe(404);
  });
});

describe("artifacts in an S3 storage (s3rver)", () => {
  it("are uploaded by the agent with pre-signed PUTs and downloaded from the bucket", async () => {
    await createStorage(test.db, {
      name: "s3-artifacts",
      kind: "s3",
      endpoint,
      region: "us-east-1",
      bucket: "artifacts",
      prefix: "pb",
      forcePathStyle: true,
      verify: true,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    } as never);
    const spec = {
      name: uniqueName("artifacts-s3"),
      tasks: [
        {
          name: "report",
          language: "shell" as const,
          code: `printf '%s' '${HTML}' > "$PIPEBOOK_ARTIFACTS/report.html"\nhead -c 300000 /dev/zero | tr '\\0' 'a' > "$PIPEBOOK_ARTIFACTS/a.txt"`,
        },
      ],
    };
    await seedFlow(test.db, spec);
    const deployment = await createDeployment(test.db, {
      flow: spec.name,
      name: "s3",
      storage: "s3-artifacts",
    });
    const { id } = await createFlowRun(test.db, {
      deploymentId: deployment.id,
      parameters: {},
      leaseMs: 15_000,
    });
    const run = await ended(id);
    expect(run.state, JSON.stringify(run.taskRuns)).toBe("Completed");
    const { artifacts } = (await (
      await get(`/api/v1/flow-runs/${id}/artifacts`)
    ).json()) as ArtifactList;
    expect(artifacts.map((a) => [a.name, a.sizeBytes, a.contentType])).toEqual([
      ["a.txt", 300_000, "text/plain"],
      ["report.html", HTML.length, "text/html"],
    ]);
    // In the bucket under the prefix, with the type the pre-signed PUT was made for (s3rver keeps
    // objects as files, and their metadata beside them); none in the local folder.
    const rows = await test.db.artifact.findMany({
      where: { flowRunId: id },
      include: { storage: true },
    });
    for (const row of rows) {
      expect(row.storage?.name).toBe("s3-artifacts");
      const object = path.join(s3dir, "artifacts", "pb", row.storageKey);
      expect(fs.statSync(`${object}._S3rver_object`).size).toBe(row.sizeBytes);
      const metadata = JSON.parse(fs.readFileSync(`${object}._S3rver_metadata.json`, "utf8")) as {
        "content-type": string;
      };
      expect(metadata["content-type"]).toBe(row.contentType);
      expect(fs.existsSync(path.join(root, row.storageKey))).toBe(false);
    }
    const got = await get(artifacts[1]!.url);
    expect(got.headers.get("content-security-policy")).toBe("sandbox");
    expect(await got.text()).toBe(HTML);
    expect((await (await get(artifacts[0]!.url)).text()).length).toBe(300_000);
  });
});

describe("retention of artifacts", () => {
  it("deletes artifacts older than their limit, rows and stored files, and keeps the rest", async () => {
    const flow = () => ({
      name: uniqueName("artifacts-old"),
      tasks: [
        {
          name: "w",
          language: "shell" as const,
          code: 'echo old > "$PIPEBOOK_ARTIFACTS/a.txt"; echo two > "$PIPEBOOK_ARTIFACTS/b.txt"',
        },
      ],
    });
    const runOf = async (deploymentId: string) => {
      const { id } = await createFlowRun(test.db, {
        deploymentId,
        parameters: {},
        leaseMs: 15_000,
      });
      expect((await ended(id)).state).toBe("Completed");
      return id;
    };
    const plain = (await seedDeployment(test.db, flow())).deploymentId;
    const keepsLonger = (await seedDeployment(test.db, flow())).deploymentId;
    const [old, young, oldButKept] = [
      await runOf(plain),
      await runOf(plain),
      await runOf(keepsLonger),
    ];
    // 10 days old: past the global 7, within the deployment's own 30.
    await test.db.artifact.updateMany({
      where: { flowRunId: { in: [old, oldButKept] } },
      data: { createdAt: new Date(Date.now() - 10 * 86_400_000) },
    });
    const files = async (run: string) =>
      (await test.db.artifact.findMany({ where: { flowRunId: run } })).map((a) =>
        path.join(root, a.storageKey),
      );
    const oldFiles = await files(old);
    expect(oldFiles).toHaveLength(2);
    for (const file of oldFiles) expect(fs.existsSync(file)).toBe(true);

    await setGlobalRetention(test.db, { artifactsDays: 7 }, SYSTEM_ACTOR);
    await setDeploymentRetention(test.db, keepsLonger, { artifactsDays: 30 }, SYSTEM_ACTOR);
    expect(await claimRetentionPass(test.db, { everyMs: 0, force: true })).toBe(true);
    const tally = await runRetentionPass(test.db);
    expect(tally.artifactsDeleted).toBe(2);
    expect(await test.db.artifact.count({ where: { flowRunId: old } })).toBe(0);
    for (const file of oldFiles) expect(fs.existsSync(file)).toBe(false);
    expect(await test.db.artifact.count({ where: { flowRunId: young } })).toBe(2);
    expect(await test.db.artifact.count({ where: { flowRunId: oldButKept } })).toBe(2);
    for (const file of await files(oldButKept)) expect(fs.existsSync(file)).toBe(true);
    // The API answers the deleted one as not found, and the pass shows its tally.
    const gone = (await (await get(`/api/v1/flow-runs/${old}/artifacts`)).json()) as ArtifactList;
    expect(gone.artifacts).toEqual([]);
    const view = (await (await get("/api/v1/retention")).json()) as {
      global: { artifactsDays: number | null };
      lastPass: { artifactsDeleted: number };
    };
    expect(view.global.artifactsDays).toBe(7);
    expect(view.lastPass.artifactsDeleted).toBe(2);
    await setGlobalRetention(test.db, { artifactsDays: null }, SYSTEM_ACTOR);
  });
});
