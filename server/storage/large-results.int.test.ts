// Large results with the real agent (the bundle a VM downloads, its Python, Node and bash child
// processes), on PGlite and PostgreSQL: a 5 MB result goes to the local storage and reaches its
// downstream tasks (Python/TypeScript read it whole, shell as $NAME_FILE), the API and the run
// page; Run from here reads it back by download; results that are not JSON name what and where.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowFileInput } from "../../contract/flow-file/schema.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { liveServer, startLiveAgent } from "../../test/support/live-agent.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { createFlowRun } from "../runs/create-flow-run.ts";
import { replayFlowRun } from "../runs/replay/replay-flow-run.ts";
import { getTaskDetail } from "../runs/run-page/get-task-detail.ts";
import { waitForFlowRun } from "../runs/wait-for-run.ts";
import { installLocalStorageRoot } from "./storages.ts";

const test = freshDatabase();
const server = liveServer(test);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-storage-"));
beforeAll(() => {
  installLocalStorageRoot(root);
  startLiveAgent(server);
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const ended = (id: string) =>
  waitForFlowRun(test.db, id, { timeoutMs: 60_000, lateAfterMs: 60_000, leaseMs: 15_000 });

const ROWS = 50_000;
const fiveMegabytes = (): FlowFileInput => ({
  name: uniqueName("large"),
  tasks: [
    {
      name: "make",
      language: "python",
      // 50,000 rows of 100 characters: 5.2 MB of JSON.
      code: `def main():\n    return {"rows": ["%06d" % i + "x" * 94 for i in range(${ROWS})]}`,
    },
    {
      name: "count",
      language: "typescript",
      dependsOn: ["make"],
      code: "export default ({ make }: { make: { rows: string[] } }) => ({ n: make.rows.length, last: make.rows.at(-1)!.slice(0, 6) });",
    },
    {
      name: "py_count",
      language: "python",
      dependsOn: ["make"],
      code: "def main(make):\n    return len(make['rows'])",
    },
    {
      name: "bytes",
      language: "shell",
      dependsOn: ["make"],
      code: 'wc -c < "$MAKE_FILE"',
    },
  ],
});

const get = (url: string) =>
  fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${server.apiKey}` } });

describe("a 5 MB result through the local storage", () => {
  it("is stored, not in the database, and every downstream task, the API and the run page read it", async () => {
    const { deploymentId } = await seedDeployment(test.db, fiveMegabytes());
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const run = await ended(id);
    expect(run.state, JSON.stringify(run.taskRuns)).toBe("Completed");
    const result = (task: string) => run.taskRuns.find((t) => t.name === task)!;
    expect(result("count").result).toEqual({ n: ROWS, last: String(ROWS - 1).padStart(6, "0") });
    expect(result("py_count").result).toBe(ROWS);

    const row = await test.db.result.findFirst({
      where: { taskRun: { flowRunId: id, name: "make" } },
    });
    expect(row?.value).toBeNull();
    expect(row?.storageId).toBeNull();
    expect(row?.storageKey).toMatch(new RegExp(`^runs/${id}/make/1-[0-9a-f]{24}\\.json$`));
    expect(row!.sizeBytes).toBeGreaterThan(5_000_000);
    expect(fs.statSync(path.join(root, row!.storageKey!)).size).toBe(row!.sizeBytes);
    expect(Number(result("bytes").result)).toBe(row!.sizeBytes);
    expect(result("make").storedResult).toEqual({
      sizeBytes: row!.sizeBytes,
      url: `/api/v1/flow-runs/${id}/tasks/make/result`,
    });

    // The API streams it whole.
    const answer = await get(`/api/v1/flow-runs/${id}/tasks/make/result`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-length")).toBe(String(row!.sizeBytes));
    const whole = (await answer.json()) as { rows: string[] };
    expect(whole.rows).toHaveLength(ROWS);
    // The run page previews it as a tree, cut.
    const detail = await getTaskDetail(test.db, id, "make");
    expect(detail.result).toMatchObject({ kind: "value", sizeBytes: row!.sizeBytes });
    expect(detail.result.kind === "value" && detail.result.cuts[0]?.missing).toBe(
      `${ROWS - 50} more items`,
    );

    // Run from here: `make` is reused from this run, its downstream downloads it (a new run
    // folder on the agent: the file is fetched through the server).
    const replay = await replayFlowRun(test.db, {
      runId: id,
      kind: "fromTask",
      task: "count",
      version: "run",
    });
    const again = await ended(replay.id);
    expect(again.state).toBe("Completed");
    expect(again.taskRuns.find((t) => t.name === "make")!.state).toBe("Cached");
    expect(again.taskRuns.find((t) => t.name === "count")!.result).toEqual({
      n: ROWS,
      last: String(ROWS - 1).padStart(6, "0"),
    });
  });

  it("a token for the local storage opens only its key, for its method, until it expires", async () => {
    const answer = await fetch(`${server.url}/api/v1/storage/local/bad.token`);
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toContain(
      "signature does not match",
    );
  });
});

describe("a result that is not JSON", () => {
  it("fails its task with the type and where it was found, in Python and TypeScript", async () => {
    const { deploymentId } = await seedDeployment(test.db, {
      name: uniqueName("not-json"),
      tasks: [
        {
          name: "py",
          language: "python",
          code: "import datetime\ndef main():\n    return {'ok': [1, 2], 'when': datetime.datetime.now()}",
        },
        {
          name: "ts",
          language: "typescript",
          code: "export default () => ({ rows: [{ n: BigInt(10) }] });",
        },
        {
          name: "ts_map",
          language: "typescript",
          code: "export default () => ({ seen: new Map([['a', 1]]) });",
        },
      ],
    });
    const { id } = await createFlowRun(test.db, { deploymentId, parameters: {}, leaseMs: 15_000 });
    const run = await ended(id);
    const error = (task: string) => run.taskRuns.find((t) => t.name === task)!.error;
    expect(error("py")).toMatchObject({
      type: "ResultNotSerializable",
      message: 'main() returned a value that is not JSON: result["when"] is a datetime',
    });
    expect(error("ts")).toMatchObject({
      type: "ResultNotSerializable",
      message: 'main() returned a value that is not JSON: result["rows"][0]["n"] is a bigint',
    });
    expect(error("ts_map")?.message).toContain('result["seen"] is a Map');
  });
});
