// The public HTTP API of DESIGN.md, driven as an outside script would, against a real server
// (this file runs once against the embedded PGlite and once against PostgreSQL); bad input is
// in api-bad-input.spec.ts.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { deploy, expect, flowYaml, importYaml, test, uniqueName } from "./support/fixtures.ts";

const require = createRequire(import.meta.url);
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test.describe("the /api/v1 happy path", () => {
  test("import, list, deploy, run, read, logs, cancel", async ({ api }) => {
    const name = uniqueName("stars");
    const imported = await importYaml(api, flowYaml(name));
    expect(imported.status()).toBe(201);
    const flow = await imported.json();
    expect(flow).toMatchObject({ name, version: 1 });
    expect(typeof flow.id).toBe("string");

    // The same content again: same version. Changed content (as JSON): a new version.
    const again = await importYaml(api, flowYaml(name));
    expect(again.status()).toBe(201);
    expect(await again.json()).toMatchObject({ id: flow.id, name, version: 1 });
    const json = await api.post("/api/v1/flows", {
      data: { name, tasks: [{ name: "only", language: "shell", code: "echo hi" }] },
    });
    expect(await json.json()).toMatchObject({ id: flow.id, version: 2 });
    const back = await importYaml(api, flowYaml(name));
    expect(await back.json()).toMatchObject({ version: 3 });

    const list = await (await api.get("/api/v1/flows")).json();
    expect(list.flows).toContainEqual(expect.objectContaining({ id: flow.id, name, version: 3 }));

    const queue = uniqueName("queue");
    const deployment = await deploy(api, name, {
      workQueue: queue,
      tags: ["gpu"],
      parameters: { repos: ["a/b"] },
    });
    expect(deployment).toMatchObject({ name: "e2e" });

    const created = await api.post(`/api/v1/deployments/${deployment.id}/runs`, {
      data: { parameters: { repos: ["x/y", "z/w"] } },
    });
    expect(created.status()).toBe(201);
    const run = await created.json();
    expect(run).toEqual({ id: expect.any(String), state: "Scheduled" });

    const read = await (await api.get(`/api/v1/flow-runs/${run.id}`)).json();
    expect(read).toMatchObject({ id: run.id, state: "Scheduled", startedAt: null, endedAt: null });
    expect(read.createdAt).toMatch(ISO_MS);
    expect(read.taskRuns).toEqual([
      {
        name: "get_stars",
        state: "Pending",
        attempts: 0,
        startedAt: null,
        endedAt: null,
        result: null,
        error: null,
        resultFrom: null,
        cachedFrom: null,
      },
      {
        name: "report",
        state: "Pending",
        attempts: 0,
        startedAt: null,
        endedAt: null,
        result: null,
        error: null,
        resultFrom: null,
        cachedFrom: null,
      },
      {
        name: "notify",
        state: "Pending",
        attempts: 0,
        startedAt: null,
        endedAt: null,
        result: null,
        error: null,
        resultFrom: null,
        cachedFrom: null,
      },
    ]);
    expect(read.parameters).toEqual({ repos: ["x/y", "z/w"] });

    const logs = await (await api.get(`/api/v1/flow-runs/${run.id}/logs`)).json();
    expect(logs).toEqual({ logs: [], next: expect.any(String), previous: null, total: 0 });

    const cancel = await api.post(`/api/v1/flow-runs/${run.id}/cancel`);
    expect(cancel.status()).toBe(202);
    expect(await cancel.json()).toEqual({ id: run.id, state: "Cancelled" });
    const ended = await (await api.get(`/api/v1/flow-runs/${run.id}`)).json();
    expect(ended.state).toBe("Cancelled");
    expect(ended.endedAt).toMatch(ISO_MS);
    expect(ended.taskRuns.map((t: { state: string }) => t.state)).toEqual([
      "Cancelled",
      "Cancelled",
      "Cancelled",
    ]);
    expect(await (await api.get(`/api/v1/flow-runs/${run.id}/logs`)).json()).toEqual({
      logs: [],
      next: null,
      previous: null,
      total: 0,
    });
  });

  test("the deployment uses its defaults when a run gives no parameters", async ({ api }) => {
    const name = uniqueName("defaults");
    await importYaml(api, flowYaml(name));
    const deployment = await deploy(api, name);
    const created = await api.post(`/api/v1/deployments/${deployment.id}/runs`);
    expect(created.status()).toBe(201);
    const run = await (await api.get(`/api/v1/flow-runs/${(await created.json()).id}`)).json();
    expect(run.parameters).toEqual({ repos: ["PrefectHQ/prefect"] });
  });

  test("serves its OpenAPI document and health without a key", async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const doc = await (await anonymous.get("/api/v1/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/flows",
        "/api/v1/deployments",
        "/api/v1/deployments/{id}/runs",
        "/api/v1/flow-runs/{id}",
        "/api/v1/flow-runs/{id}/logs",
        "/api/v1/flow-runs/{id}/logs/download",
        "/api/v1/flow-runs/{id}/cancel",
      ]),
    );
    const health = await (await anonymous.get("/api/health")).json();
    expect(health).toMatchObject({ status: "ok" });
    await anonymous.dispose();
  });

  test("the OpenAPI document passes a third-party validator with no errors or warnings", async ({
    playwright,
    baseURL,
  }, testInfo) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const text = await (await anonymous.get("/api/v1/openapi.json")).text();
    await anonymous.dispose();
    const file = testInfo.outputPath("openapi.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    const operations = Object.values(JSON.parse(text).paths as Record<string, object>).flatMap(
      (p) => Object.values(p) as { operationId?: string }[],
    );
    expect(operations.filter((o) => !o.operationId)).toEqual([]);
    // @redocly/cli with its recommended rules; every unresolved $ref is an error there.
    const lint = spawnSync(
      process.execPath,
      [require.resolve("@redocly/cli/bin/cli.js"), "lint", "--format=json", file],
      { encoding: "utf8" },
    );
    const report = JSON.parse(lint.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { message: string; location: { pointer: string }[] }[];
    };
    expect(
      report.problems.map((p) => `${p.location[0]?.pointer}: ${p.message}`),
      lint.stderr,
    ).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  test("a misspelt query parameter is refused, naming the closest one", async ({ api }) => {
    const response = await api.get("/api/v1/deployments?flwo=x");
    expect(response.status()).toBe(400);
    expect((await response.json()).error.message).toContain(
      'unknown query parameter "flwo" (did you mean "flow"?)',
    );
  });
});
