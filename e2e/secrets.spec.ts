// Secrets end to end, on servers of this spec's own (so that their output and data folder can be
// searched): a secret set through the API is read and printed and returned by Python, TypeScript
// and shell tasks that declare it, and its value then appears in no API answer, no stored log
// line or result, not in the server's output (nor its local agent's) and not in the database —
// the PGlite data folder's files, or every table of PostgreSQL read back as text.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { APIRequestContext, APIResponse, PlaywrightWorkerArgs } from "@playwright/test";
import pg from "pg";
import { expect, test, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";
import {
  startFailing,
  startServer,
  tempHome,
  type ServerProcess,
} from "./support/server-process.ts";

const KEY = "secrets-spec-bootstrap-key-0123456789";
const adminUrl =
  process.env.PIPEBOOK_TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const root = path.resolve(import.meta.dirname, "..");

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

test("refuses to start with a secret key of the wrong length, saying how to make one", async () => {
  const bad = await startFailing([], {
    PIPEBOOK_HOME: tempHome(),
    PIPEBOOK_SECRET_KEY: crypto.randomBytes(16).toString("base64"),
  });
  expect(bad.code).toBe(1);
  expect(bad.output).toContain(
    "PIPEBOOK_SECRET_KEY: must be 32 random bytes written as 64 hex digits or 44 base64 characters; make one with: openssl rand -base64 32 (it decodes to 16 bytes)",
  );
});

/** The CLI with `input` on its stdin. */
function cli(server: ServerProcess, args: string[], input?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "bin/pipebook.mjs"), ...args], {
      env: { ...process.env, PIPEBOOK_API_URL: server.url, PIPEBOOK_API_KEY: KEY },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

test("the CLI sets secrets from stdin or a file (never its arguments) and manages variables", async () => {
  test.setTimeout(120_000);
  const server = await startServer(["--port", "0"], {
    PIPEBOOK_HOME: tempHome(),
    PIPEBOOK_BOOTSTRAP_API_KEY: KEY,
  });
  try {
    const secret = `cli-${crypto.randomBytes(8).toString("hex")}`;
    const set = await cli(server, ["secret", "set", "CLI_TOKEN"], `${secret}\n`);
    expect(set.stdout).toContain("Created secret CLI_TOKEN");
    const file = path.join(tempHome(), "value.txt");
    fs.writeFileSync(file, `${secret}-from-file\n`);
    expect(
      (await cli(server, ["secret", "set", "CLI_TOKEN", "--from-file", file])).stdout,
    ).toContain("Replaced the value of secret CLI_TOKEN");
    const argv = await cli(server, ["secret", "set", "CLI_TOKEN", secret]);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toContain("the value is not taken from the command line");
    const ls = await cli(server, ["secret", "ls"]);
    expect(ls.stdout).toMatch(/NAME\s+UPDATED\s+BY\nCLI_TOKEN\s+\S+\s+admin/);
    expect(`${ls.stdout}${ls.stderr}`).not.toContain(secret);
    expect((await cli(server, ["secret", "rm", "CLI_TOKEN"])).stdout).toBe(
      "Deleted secret CLI_TOKEN\n",
    );
    const again = await cli(server, ["secret", "rm", "CLI_TOKEN"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('secret "CLI_TOKEN" was not found');

    expect((await cli(server, ["var", "set", "LIMIT", "42"])).stdout).toBe(
      "Set variable LIMIT (version 1) to 42\n",
    );
    expect((await cli(server, ["var", "set", "LIMIT", "42", "--string"])).stdout).toBe(
      'Set variable LIMIT (version 2) to "42"\n',
    );
    expect((await cli(server, ["var", "set", "LIMIT", "42", "--string"])).stdout).toContain(
      "already has this value (version 2): nothing changed",
    );
    expect((await cli(server, ["var", "set", "CONF", '{"rows": 5}'])).code).toBe(0);
    expect((await cli(server, ["var", "get", "CONF"])).stdout).toBe('{"rows":5}\n');
    expect((await cli(server, ["var", "get", "LIMIT"])).stdout).toBe("42\n");
    const history = await cli(server, ["var", "get", "LIMIT", "--history"]);
    expect(history.stdout).toMatch(
      /VERSION\s+SET\s+BY\s+VALUE\n2\s+\S+\s+admin\s+42\n1\s+\S+\s+admin\s+42/,
    );
    expect((await cli(server, ["var", "ls"])).stdout).toMatch(
      /CONF\s+1\s+\S+\s+admin\s+\{"rows":5\}/,
    );
    expect((await cli(server, ["var", "rm", "CONF"])).stdout).toBe("Deleted variable CONF\n");
  } finally {
    await server.stop();
  }
});

test("the Secrets & variables page sets, lists and deletes; a secret's value is never shown", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const server = await startServer(["--port", "0"], {
    PIPEBOOK_HOME: tempHome(),
    PIPEBOOK_BOOTSTRAP_API_KEY: KEY,
  });
  try {
    const secret = `page-${crypto.randomBytes(8).toString("hex")}`;
    await signIn(page, { url: server.url, key: KEY });
    await page.getByRole("link", { name: "Secrets & variables" }).click();
    await expect(page).toHaveURL(/\/secrets$/);
    await expect(page.getByText("No secrets yet")).toBeVisible();

    await page.getByRole("button", { name: "New secret" }).click();
    const dialog = page.getByRole("dialog", { name: "New secret" });
    await dialog.getByLabel("Name").fill("bad-name");
    await dialog.getByLabel("Value").fill(secret);
    await dialog.getByRole("button", { name: "Save secret" }).click();
    await expect(dialog.getByRole("alert")).toContainText(
      "a secret name starts with a letter or _",
    );
    await dialog.getByLabel("Name").fill("PAGE_TOKEN");
    await dialog.getByRole("button", { name: "Save secret" }).click();
    await expect(dialog).toBeHidden();
    const row = page.locator('[data-secret="PAGE_TOKEN"]');
    await expect(row).toContainText("admin");
    await expect(page.locator("body")).not.toContainText(secret);
    await row.getByRole("button", { name: "Replace value" }).click();
    const replace = page.getByRole("dialog", { name: "Replace the value of PAGE_TOKEN" });
    await expect(replace.getByLabel("Value")).toHaveValue("");
    await replace.getByLabel("Value").fill(`${secret}-2`);
    await replace.getByRole("button", { name: "Replace" }).click();
    await expect(replace).toBeHidden();
    expect(await page.content()).not.toContain(secret);

    await page.getByRole("button", { name: "New variable" }).click();
    const variable = page.getByRole("dialog", { name: "New variable" });
    await variable.getByLabel("Name").fill("PAGE_REGION");
    await variable.getByLabel("Value").fill("eu-west-1");
    await variable.getByRole("button", { name: "Save variable" }).click();
    const varRow = page.locator('[data-variable="PAGE_REGION"]');
    await expect(varRow.getByTestId("variable-value")).toHaveText("eu-west-1");
    await varRow.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("dialog", { name: "Edit PAGE_REGION" });
    await edit.getByLabel("JSON").check();
    await edit.getByLabel("Value").fill('{"name": "eu", "zone": 2}');
    await edit.getByRole("button", { name: "Save variable" }).click();
    await expect(varRow.getByTestId("variable-value")).toHaveText('{"name":"eu","zone":2}');
    await expect(varRow).toContainText("2");
    await varRow.getByRole("button", { name: "History" }).click();
    const history = page.getByRole("table", { name: "Versions of PAGE_REGION" });
    await expect(history.locator("tbody tr")).toHaveCount(2);
    await expect(history.locator("tbody tr").nth(1)).toContainText("eu-west-1");
    await page.keyboard.press("Escape");

    page.once("dialog", (d) => void d.accept());
    await row.getByRole("button", { name: "Delete secret PAGE_TOKEN" }).click();
    await expect(row).toHaveCount(0);
    await expect(page.getByText("No secrets yet")).toBeVisible();
  } finally {
    await server.stop();
  }
});
