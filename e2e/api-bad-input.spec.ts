// Bad input to the public HTTP API: each refusal is a 4xx that says what was wrong and where, and
// changes nothing (this file runs once against the embedded PGlite and once against PostgreSQL).
import type { APIResponse } from "@playwright/test";
import { deploy, expect, flowYaml, importYaml, test, uniqueName } from "./support/fixtures.ts";

test.describe("bad input gets a 4xx that says what and where, and changes nothing", () => {
  async function refused(response: APIResponse, status: number, code: string) {
    expect(response.status(), await response.text()).toBe(status);
    const body = (await response.json()) as {
      error: {
        code: string;
        message: string;
        issues?: { message: string; location?: { line: number } }[];
      };
    };
    expect(body.error.code).toBe(code);
    return body.error as {
      message: string;
      issues?: { message: string; location?: { line: number } }[];
    };
  }

  test("no API key, or a wrong one: 401", async ({ playwright, baseURL }) => {
    const anonymous = await playwright.request.newContext({ baseURL });
    const none = await refused(await anonymous.get("/api/v1/flows"), 401, "unauthorized");
    expect(none.message).toContain("Authorization: Bearer");
    const wrong = await anonymous.get("/api/v1/flows", {
      headers: { authorization: "Bearer pb_wrong" },
    });
    await refused(wrong, 401, "unauthorized");
    await refused(
      await anonymous.post("/api/v1/flows", { data: flowYaml(uniqueName()) }),
      401,
      "unauthorized",
    );
    await anonymous.dispose();
  });

  test("a cycle names its tasks", async ({ api }) => {
    const name = uniqueName("cycle");
    const text = `name: ${name}\ntasks:\n  - {name: a, language: shell, code: x, dependsOn: [c]}\n  - {name: b, language: shell, code: x, dependsOn: [a]}\n  - {name: c, language: shell, code: x, dependsOn: [b]}\n`;
    const error = await refused(await importYaml(api, text), 400, "invalid_flow");
    expect(error.message).toContain("dependency cycle: a → b → c → a");
    expect(error.issues![0]!.location!.line).toBe(3);
  });

  test("an unknown dependency, a duplicate name, invalid YAML", async ({ api }) => {
    const unknown = await refused(
      await importYaml(
        api,
        `name: ${uniqueName()}\ntasks:\n  - {name: a, language: shell, code: x, dependsOn: [nope]}\n`,
      ),
      400,
      "invalid_flow",
    );
    expect(unknown.message).toContain(
      'task "a": dependsOn names "nope", which is not a task of this flow',
    );
    const duplicate = await refused(
      await importYaml(
        api,
        `name: ${uniqueName()}\ntasks:\n  - {name: a, language: shell, code: x}\n  - {name: a, language: shell, code: y}\n`,
      ),
      400,
      "invalid_flow",
    );
    expect(duplicate.message).toContain('task "a": duplicate name');
    expect(duplicate.issues![0]!.location!.line).toBe(4);
    const yaml = await refused(await importYaml(api, "name: x\ntasks: [\n"), 400, "invalid_flow");
    expect(yaml.message).toMatch(/invalid YAML.*line \d+/);
  });

  test("a TypeScript syntax error names the task and the line", async ({ api }) => {
    const name = uniqueName("ts");
    const text = `name: ${name}\ntasks:\n  - name: report\n    language: typescript\n    code: |\n      export default function main() {\n        return 1 +;\n      }\n`;
    const error = await refused(await importYaml(api, text), 400, "invalid_flow");
    expect(error.message).toContain('task "report": TypeScript syntax error at line 2');
    expect(error.issues![0]!.location!.line).toBe(7);
    // Nothing of the refused flow was saved.
    const flows = await (await api.get("/api/v1/flows")).json();
    expect(flows.flows.map((f: { name: string }) => f.name)).not.toContain(name);
  });

  test("a parameter of the wrong type names the field, and no run is created", async ({ api }) => {
    const name = uniqueName("params");
    await importYaml(api, flowYaml(name));
    const deployment = await deploy(api, name);
    const error = await refused(
      await api.post(`/api/v1/deployments/${deployment.id}/runs`, {
        data: { parameters: { repos: [42] } },
      }),
      400,
      "invalid_parameters",
    );
    expect(error.message).toContain('parameter "repos[0]" must be string (got number 42)');
    const unknown = await refused(
      await api.post(`/api/v1/deployments/${deployment.id}/runs`, {
        data: { parameters: { repo: ["a"] } },
      }),
      400,
      "invalid_parameters",
    );
    expect(unknown.message).toContain(
      'parameter "repo" is not declared by the flow (the flow declares: repos)',
    );
  });

  test("unknown deployment and run: 404; malformed ids too", async ({ api }) => {
    await refused(
      await api.post(`/api/v1/deployments/${crypto.randomUUID()}/runs`, { data: {} }),
      404,
      "not_found",
    );
    await refused(
      await api.post(`/api/v1/deployments/not-an-id/runs`, { data: {} }),
      404,
      "not_found",
    );
    expect((await api.get(`/api/v1/flow-runs/${crypto.randomUUID()}`)).status()).toBe(404);
    expect((await api.get(`/api/v1/flow-runs/${crypto.randomUUID()}/logs`)).status()).toBe(404);
    expect((await api.post(`/api/v1/flow-runs/${crypto.randomUUID()}/cancel`)).status()).toBe(404);
    await refused(await api.get("/api/v1/no-such-thing"), 404, "not_found");
  });

  test("a deployment of an unknown flow: 404; malformed request bodies: 400", async ({ api }) => {
    const missing = await refused(
      await api.post("/api/v1/deployments", { data: { flow: "no-such-flow", name: "x" } }),
      404,
      "not_found",
    );
    expect(missing.message).toContain('flow "no-such-flow" was not found');
    const badJson = await refused(
      await api.post("/api/v1/deployments", {
        data: Buffer.from("{not json"),
        headers: { "content-type": "application/json" },
      }),
      400,
      "bad_request",
    );
    expect(badJson.message).toContain("not valid JSON");
    const typo = await refused(
      await api.post("/api/v1/deployments", { data: { flow: "x", name: "y", work_queue: "q" } }),
      400,
      "bad_request",
    );
    expect(typo.message).toContain('"work_queue"');
    const badQueue = await refused(
      await api.post("/api/v1/deployments", {
        data: { flow: "x", name: "y", workQueue: "no spaces" },
      }),
      400,
      "bad_request",
    );
    expect(badQueue.message).toContain("workQueue");
    await refused(
      await api.get(`/api/v1/flow-runs/${crypto.randomUUID()}/logs?after=abc`),
      400,
      "bad_request",
    );
  });

  test("a docker image that docker would read as an option is refused: 400 naming image", async ({
    api,
  }) => {
    const name = uniqueName("docker");
    await importYaml(api, flowYaml(name));
    for (const image of ["--volume=/:/host", "--privileged", "Python:3"]) {
      const error = await refused(
        await api.post("/api/v1/deployments", {
          data: { flow: name, name: "d", runner: "docker", image },
        }),
        400,
        "bad_request",
      );
      expect(error.message).toContain(`invalid body: image: image ${JSON.stringify(image)} `);
      expect(error.message).toContain("[registry[:port]/]name[:tag][@digest]");
    }
    const good = await api.post("/api/v1/deployments", {
      data: { flow: name, name: "d", runner: "docker", image: "ghcr.io/org/app:1.2" },
    });
    expect(good.status()).toBe(201);
    expect(await good.json()).toMatchObject({ runner: "docker", image: "ghcr.io/org/app:1.2" });
  });

  test("parameter patterns cannot freeze the server; ones RE2 cannot run are refused", async ({
    api,
  }) => {
    const flow = (pattern: string) => ({
      name: uniqueName("pattern"),
      parameters: { type: "object", properties: { word: { type: "string", pattern } } },
      tasks: [{ name: "echo", language: "shell", code: "echo $WORD" }],
    });
    const lookahead = await refused(
      await api.post("/api/v1/flows", { data: flow("^(?=a)a+$") }),
      400,
      "invalid_flow",
    );
    expect(lookahead.message).toContain(
      'the pattern "^(?=a)a+$" of parameter "word" cannot be used: error parsing regexp',
    );

    const nested = flow("^(a+)+$");
    expect((await api.post("/api/v1/flows", { data: nested })).status()).toBe(201);
    const deployment = await deploy(api, nested.name);
    const started = Date.now();
    const error = await refused(
      await api.post(`/api/v1/deployments/${deployment.id}/runs`, {
        data: { parameters: { word: `${"a".repeat(40)}!` } },
      }),
      400,
      "invalid_parameters",
    );
    expect(error.message).toContain('parameter "word" must match pattern "^(a+)+$"');
    // Hours with a backtracking RegExp, during which the server answered nobody.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test("cancelling twice is harmless", async ({ api }) => {
    const name = uniqueName("ended");
    await importYaml(api, flowYaml(name));
    const deployment = await deploy(api, name);
    const run = await (
      await api.post(`/api/v1/deployments/${deployment.id}/runs`, { data: {} })
    ).json();
    expect((await api.post(`/api/v1/flow-runs/${run.id}/cancel`)).status()).toBe(202);
    // Cancelling again is harmless; the run stays Cancelled.
    expect(await (await api.post(`/api/v1/flow-runs/${run.id}/cancel`)).json()).toEqual({
      id: run.id,
      state: "Cancelled",
    });
  });
});
