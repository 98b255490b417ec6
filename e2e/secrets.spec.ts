// Secrets end to end, on servers of this spec's own (so that their output and data folder can be
// searched): a secret set through the API is read and printed and returned by Python, TypeScript
// and shell tasks that declare it, and its value then appears in no API answer, no stored log
// line or result, not in the server's output (nor its local agent's) and not in the database —
// the PGlite data folder's files, or every table of PostgreSQL read back as text. Secrets managed
// through the CLI and the studio: secrets-managed.spec.ts.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { APIRequestContext, APIResponse, PlaywrightWorkerArgs } from "@playwright/test";
import pg from "pg";
import { expect, test, uniqueName } from "./support/fixtures.ts";
import { startServer, tempHome, type ServerProcess } from "./support/server-process.ts";

const KEY = "secrets-spec-bootstrap-key-0123456789";
const adminUrl =
  process.env.PIPEBOOK_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

type Query = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

/** Every row of every table as text (bytea as hex, so a value kept as plain bytes shows too). */
async function dumpTables(query: Query): Promise<string> {
  const { rows: tables } = await query(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await query(`SELECT t::text AS row FROM "${String(name)}" t`);
    parts.push(`-- ${String(name)}`, ...rows.map((r) => String(r.row)));
  }
  return parts.join("\n");
}

const flow = (name: string) => ({
  name,
  tasks: [
    {
      name: "py",
      language: "python",
      secrets: ["E2E_TOKEN"],
      variables: ["E2E_REGION"],
      code: [
        "import sys",
        "from pipebook import get_logger, get_secret, get_variable",
        "def main():",
        '    s = get_secret("E2E_TOKEN")',
        '    print("MARK-py", s)',
        '    print("to stderr", s, file=sys.stderr)',
        '    get_logger().info("logged %s", s)',
        '    return {"token": s, "region": get_variable("E2E_REGION")}',
      ].join("\n"),
    },
    {
      name: "ts",
      language: "typescript",
      secrets: ["E2E_TOKEN"],
      code: [
        'import { logger, secret } from "pipebook";',
        "export default function main() {",
        '  console.log("MARK-ts", secret("E2E_TOKEN"));',
        '  logger.warn("warned", secret("E2E_TOKEN"));',
        '  return [secret("E2E_TOKEN")];',
        "}",
      ].join("\n"),
    },
    {
      name: "sh",
      language: "shell",
      secrets: ["E2E_TOKEN"],
      code: 'echo "MARK-sh $E2E_TOKEN"\necho "$E2E_TOKEN"',
    },
    // Declares nothing: it gets the value only as its upstream's result, and prints it.
    {
      name: "downstream",
      language: "python",
      dependsOn: ["py"],
      code: 'def main(py):\n    print("MARK-down", py["token"])\n    return py["token"]\n',
    },
    {
      name: "undeclared",
      language: "python",
      code: 'from pipebook import get_secret\ndef main():\n    return get_secret("E2E_TOKEN")\n',
    },
    {
      name: "fails",
      language: "python",
      secrets: ["E2E_TOKEN"],
      code: 'from pipebook import get_secret\ndef main():\n    raise ValueError("bad token " + get_secret("E2E_TOKEN"))\n',
    },
  ],
});

type Scenario = { runId: string; answers: string[] };

/** Sets the secret, runs the flow on the server's local agent, and reads everything back. */
async function scenario(api: APIRequestContext, secret: string): Promise<Scenario> {
  const answers: string[] = [];
  const keep = async (response: APIResponse) => {
    answers.push(`${response.url()}\n${await response.text()}`);
    return response;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers checked by the test
  const json = async (response: APIResponse): Promise<any> => (await keep(response)).json();
  const set = await keep(await api.put("/api/v1/secrets/E2E_TOKEN", { data: { value: secret } }));
  expect(set.status(), await set.text()).toBe(201);
  await keep(await api.put("/api/v1/variables/E2E_REGION", { data: { value: "eu-west-1" } }));
  const name = uniqueName("secrets");
  await keep(await api.post("/api/v1/flows", { data: flow(name) }));
  const deployed = await keep(
    await api.post("/api/v1/deployments", {
      data: { flow: name, name: "e2e", parameters: {}, workQueue: "default", tags: [] },
    }),
  );
  expect(deployed.status(), await deployed.text()).toBe(201);
  const deployment = await json(deployed);
  const created = await json(
    await api.post(`/api/v1/deployments/${deployment.id}/runs`, { data: {} }),
  );
  const runId = created.id as string;
  const wait = async () => json(await api.get(`/api/v1/flow-runs/${runId}/wait?timeoutSeconds=60`));
  let run = await wait();
  for (let i = 0; i < 3 && !run.endedAt; i++) run = await wait();
  expect(run.state).toBe("Failed");
  const states = Object.fromEntries(
    (run.taskRuns as { name: string; state: string }[]).map((t) => [t.name, t.state]),
  );
  expect(states).toEqual({
    py: "Completed",
    ts: "Completed",
    sh: "Completed",
    downstream: "Completed",
    undeclared: "Failed",
    fails: "Failed",
  });

  // What the tasks printed and returned, as stored: masked.
  const logs = await json(await api.get(`/api/v1/flow-runs/${runId}/logs?limit=1000`));
  const messages = (logs.logs as { task: string; message: string }[]).map(
    (l) => `${l.task}: ${l.message}`,
  );
  for (const line of [
    "py: MARK-py ***",
    "py: to stderr ***",
    "py: logged ***",
    "ts: MARK-ts ***",
    "ts: warned ***",
    "sh: MARK-sh ***",
    "sh: ***",
    "downstream: MARK-down ***",
  ]) {
    expect(messages).toContain(line);
  }
  const result = async (task: string) =>
    json(await api.get(`/api/v1/flow-runs/${runId}/tasks/${task}/result`));
  expect(await result("py")).toEqual({ token: "***", region: "eu-west-1" });
  expect(await result("ts")).toEqual(["***"]);
  expect(await result("sh")).toBe("***");
  expect(await result("downstream")).toBe("***");
  const detail = async (task: string) =>
    json(await api.get(`/api/v1/flow-runs/${runId}/tasks/${task}`));
  expect(JSON.stringify(await detail("fails"))).toContain("bad token ***");
  expect(JSON.stringify(await detail("undeclared"))).toContain(
    'task \\"undeclared\\" does not declare secret \\"E2E_TOKEN\\"',
  );
  for (const task of ["py", "ts", "sh", "downstream"]) await detail(task);

  // Everything else a user or script can read.
  for (const p of [
    `/api/v1/flow-runs/${runId}`,
    `/api/v1/flow-runs/${runId}/logs/download`,
    `/api/v1/flow-runs/${runId}/history`,
    "/api/v1/flow-runs",
    "/api/v1/secrets",
    "/api/v1/secrets/E2E_TOKEN",
    "/api/v1/variables",
    "/api/v1/variables/E2E_REGION/history",
    "/api/v1/openapi.json",
  ]) {
    const response = await keep(await api.get(p));
    expect(response.status(), p).toBe(200);
  }
  // An API key opens no task context: only the run token an agent gets with a claim does.
  const context = await keep(await api.get("/api/v1/run-context/tasks/py"));
  expect(context.status()).toBe(401);
  return { runId, answers };
}

type Playwright = PlaywrightWorkerArgs["playwright"];

async function apiFor(playwright: Playwright, server: ServerProcess) {
  return playwright.request.newContext({
    baseURL: server.url,
    extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
  });
}

function expectNowhere(secret: string, where: string, text: string) {
  const forms = [
    secret,
    Buffer.from(secret).toString("hex"),
    Buffer.from(secret).toString("base64"),
  ];
  for (const form of forms) expect(text.includes(form), `${where} holds the secret`).toBe(false);
}

/** Every file under `dir`, as bytes. */
function filesUnder(dir: string): { file: string; bytes: Buffer }[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((entry) => {
    if (!entry.isFile()) return [];
    const file = path.join(entry.parentPath, entry.name);
    return [{ file, bytes: fs.readFileSync(file) }];
  });
}

test("a secret's value reaches the tasks that declare it and nowhere else (PGlite: its data folder's files)", async ({
  playwright,
}) => {
  test.setTimeout(240_000);
  const secret = `e2e-${crypto.randomBytes(16).toString("hex")}`;
  const home = tempHome();
  const server = await startServer(["--port", "0"], {
    PIPEBOOK_HOME: home,
    PIPEBOOK_BOOTSTRAP_API_KEY: KEY,
    PIPEBOOK_LOCAL_AGENT: "1",
  });
  let stopped = false;
  try {
    const api = await apiFor(playwright, server);
    const { answers } = await scenario(api, secret);
    for (const answer of answers) expectNowhere(secret, answer.split("\n")[0]!, answer);
    await api.dispose();
    expect(await server.stop()).toBe(0);
    stopped = true;
    expectNowhere(secret, "the server's output", server.output());
    expect(server.output()).toContain("created the secret key in");

    // Every file of the data folder: the database, the key files, the agent's work folder.
    const files = filesUnder(home);
    expect(files.some((f) => f.file.startsWith(path.join(home, "db")))).toBe(true);
    expect(fs.statSync(path.join(home, "secret-key")).mode & 0o777).toBe(0o600);
    for (const { file, bytes } of files) {
      expect(bytes.includes(Buffer.from(secret)), file).toBe(false);
      expect(bytes.includes(Buffer.from(secret, "utf16le")), file).toBe(false);
    }
    // The search can see stored log text: the masked lines are there.
    expect(files.some(({ bytes }) => bytes.includes(Buffer.from("MARK-sh ***")))).toBe(true);

    // And read back through PostgreSQL itself (a long value could be compressed in the files).
    const db = await PGlite.create({ dataDir: path.join(home, "db") });
    try {
      const text = await dumpTables((sql) => db.query(sql));
      expect(text).toContain("MARK-py ***");
      expect(text).toContain("E2E_TOKEN");
      expectNowhere(secret, "the database", text);
    } finally {
      await db.close();
    }
  } finally {
    if (!stopped) await server.stop();
  }
});

test("a secret's value reaches the tasks that declare it and nowhere else (PostgreSQL: every table)", async ({
  playwright,
}) => {
  test.setTimeout(240_000);
  const secret = `e2e-${crypto.randomBytes(16).toString("hex")}`;
  const database = `pipebook_secrets_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const server = await startServer(["--port", "0"], {
    PIPEBOOK_HOME: tempHome(),
    DATABASE_URL: url.toString(),
    PIPEBOOK_BOOTSTRAP_API_KEY: KEY,
    PIPEBOOK_LOCAL_AGENT: "1",
    PIPEBOOK_SECRET_KEY: crypto.randomBytes(32).toString("base64"),
  });
  let stopped = false;
  try {
    const api = await apiFor(playwright, server);
    const { answers } = await scenario(api, secret);
    for (const answer of answers) expectNowhere(secret, answer.split("\n")[0]!, answer);
    await api.dispose();
    expect(await server.stop()).toBe(0);
    stopped = true;
    expectNowhere(secret, "the server's output", server.output());
    // The key came from the environment: no key file was made.
    expect(server.output()).not.toContain("created the secret key in");

    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const text = await dumpTables((sql) => client.query(sql));
      expect(text).toContain("MARK-py ***");
      expectNowhere(secret, "the database", text);
    } finally {
      await client.end();
    }
  } finally {
    if (!stopped) await server.stop();
  }
});
