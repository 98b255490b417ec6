// Artifacts with the real agent (the bundle a VM downloads, its Python, Node and bash child
// processes), on PGlite and PostgreSQL, through the local storage: files a task leaves in
// $PIPEBOOK_ARTIFACTS or saves with save_artifact()/saveArtifact() are uploaded when the attempt
// ends (also a failed one), listed with task, size and type, and download byte-exact with the
// headers that keep user HTML from running on the studio's origin.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArtifactList } from "../../contract/api-v1.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { liveServer, startLiveAgent } from "../../test/support/live-agent.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { waitForFlowRun } from "../runs/wait-for-run.ts";
import { installLocalStorageRoot } from "../storage/storages.ts";

const test = freshDatabase();
const server = liveServer(test);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-artifacts-"));
beforeAll(() => {
  installLocalStorageRoot(root);
  startLiveAgent(server);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ended = (id: string) =>
  waitForFlowRun(test.db, id, { timeoutMs: 60_000, lateAfterMs: 60_000, leaseMs: 15_000 });
const get = (url: string) =>
  fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
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

  it("are kept from a failed attempt too, one set per attempt", async () => {
    const { deploymentId } = await seedDeployment(test.db, {
      name: uniqueName("artifacts-fail"),
      tasks: [
        {
          name: "flaky",
          language: "python",
          retries: 1,
          code: "import os\nfrom pipebook import save_artifact\ndef main():\n    save_artifact('trace.txt', 'attempt ' + os.environ['PIPEBOOK_ATTEMPT'])\n    raise ValueError('no')",
        },
      ],
    });
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const run = await ended(id);
    expect(run.taskRuns[0]!.state).toBe("Failed");
    const { artifacts } = (await (
      await get(`/api/v1/flow-runs/${id}/artifacts`)
    ).json()) as ArtifactList;
    expect(artifacts.map((a) => [a.name, a.attempt])).toEqual([
      ["trace.txt", 1],
      ["trace.txt", 2],
    ]);
    expect(await (await get(artifacts[1]!.url)).text()).toBe("attempt 2");
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
