// Secrets and variables managed by people, on servers of this spec's own: the server refuses a
// secret key of the wrong length, the CLI takes secrets from stdin or a file (never from its
// arguments) and manages variables, and the Secrets & variables page never shows a secret's value.
// Where a secret's value may go and may not: secrets.spec.ts.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";
import {
  startFailing,
  startServer,
  tempHome,
  type ServerProcess,
} from "./support/server-process.ts";

const KEY = "secrets-spec-bootstrap-key-0123456789";
const root = path.resolve(import.meta.dirname, "..");

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
