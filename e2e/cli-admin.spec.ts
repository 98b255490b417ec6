// The CLI's documentation and its commands for people and keys, against a real server: every
// command the README shows works as written, --help documents every command, keys with roles,
// and invitations and accounts (the run commands: cli.spec.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startAgent, stopAllAgents } from "./support/agents.ts";
import { pipebook, writeFlow } from "./support/cli.ts";
import { expect, flowYaml, test, uniqueName } from "./support/fixtures.ts";

test.afterEach(stopAllAgents);

test("the README's CLI commands work as written", async ({ baseURL }) => {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../README.md"), "utf8");
  const flowFile = /## Flow files[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
  const commands = /## CLI\n\n```sh\n([\s\S]*?)```/
    .exec(readme)![1]!
    .split("\n")
    .filter((line) => line.startsWith("npx pipebook "));
  expect(commands.length).toBeGreaterThan(3);
  const dir = path.dirname(writeFlow(flowFile));
  // The README's deployments go to the queue "default", which `npm start`'s own agent serves.
  const agent = startAgent({ apiUrl: baseURL!, queues: ["default"] });
  await agent.waitFor(/connected to/);
  for (const command of commands) {
    const args = shellWords(command.replace(/#.*$/, "")).slice(2);
    const out = await pipebook(baseURL!, args, { cwd: dir });
    expect(out, `${command}\n${out.stdout}${out.stderr}`).toMatchObject({ code: 0 });
  }
  await agent.stop();
});

/** Splits a command line as sh would for the README's simple cases: words, '…' and "…". */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g)) {
    words.push(match[0].replace(/'([^']*)'|"([^"]*)"/g, (_, a, b) => a ?? b));
  }
  return words;
}

test("--help documents every command", async ({ baseURL }) => {
  const help = await pipebook(baseURL!, ["--help"]);
  expect(help.stdout).toContain("flow import FILE");
  expect(help.stdout).toContain("cancel RUN");
  expect(help.stdout).toMatch(/\n {2}flows +list the flows/);
  for (const command of [
    ["flow", "import"],
    ["deploy"],
    ["run"],
    ["flows"],
    ["cancel"],
    ["watch"],
  ]) {
    const out = await pipebook(baseURL!, [...command, "--help"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Usage: pipebook /);
  }
});

test("pipebook key: a read-only key reads but cannot deploy; revoked, it is refused", async ({
  baseURL,
}) => {
  const created = await pipebook(baseURL!, ["key", "create", "dashboard", "--role", "viewer"]);
  expect(created.code).toBe(0);
  const key = created.stdout.trim();
  expect(key).toMatch(/^pb_[\w-]{43}$/);
  expect(created.stderr).toContain('Created user key "dashboard"');

  expect((await pipebook(baseURL!, ["flows"], { apiKey: key })).code).toBe(0);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-key-")), "f.yaml");
  fs.writeFileSync(file, flowYaml(uniqueName("ro")));
  const refused = await pipebook(baseURL!, ["flow", "import", file], { apiKey: key });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain("this needs the editor role or higher");

  const listed = await pipebook(baseURL!, ["key", "ls", "--json"]);
  type Listed = { apiKeys: { id: string; name: string; prefix: string }[] };
  const row = (JSON.parse(listed.stdout) as Listed).apiKeys.find(
    (k) => k.name === "dashboard" && key.startsWith(k.prefix),
  )!;
  expect((await pipebook(baseURL!, ["key", "revoke", row.id])).code).toBe(0);
  const after = await pipebook(baseURL!, ["flows"], { apiKey: key });
  expect(after.code).not.toBe(0);
  expect(after.stderr).toContain("not valid");
});

test("user invite prints a one-time link; user ls, user role and user disable manage people", async ({
  baseURL,
  playwright,
}) => {
  const email = `${uniqueName("cli")}@example.org`;
  const invited = await pipebook(baseURL!, ["user", "invite", email, "--role", "operator"]);
  expect(invited.code, invited.stderr).toBe(0);
  const link = invited.stdout.trim();
  expect(link).toMatch(new RegExp(`^${baseURL}/invite#token=[A-Za-z0-9_-]{43}$`));
  expect(invited.stderr).toContain(`Invited ${email} as operator; the link works once`);
  const again = await pipebook(baseURL!, ["user", "invite", email]);
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain(`${email} has a pending invitation`);

  // The person joins through the link (as the studio's page posts it).
  const browser = await playwright.request.newContext({ baseURL });
  const joined = await browser.post("/api/auth/invite", {
    data: {
      token: link.split("#token=")[1],
      name: uniqueName("Op"),
      password: "a long enough password",
    },
  });
  expect(joined.status(), await joined.text()).toBe(201);
  await browser.dispose();

  const ls = await pipebook(baseURL!, ["user", "ls"]);
  expect(ls.stdout).toMatch(new RegExp(`${email}\\s+\\S+\\s+operator\\s+`));
  const demoted = await pipebook(baseURL!, ["user", "role", email, "viewer"]);
  expect(demoted.stdout).toContain("is now viewer");
  const disabled = await pipebook(baseURL!, ["user", "disable", email]);
  expect(disabled.stdout).toContain("Disabled");
  const bad = await pipebook(baseURL!, ["user", "role", email, "boss"]);
  expect(bad.stderr).toContain('ROLE must be one of viewer, operator, editor, admin (got "boss")');
  const missing = await pipebook(baseURL!, ["user", "role", "nobody@example.org", "viewer"]);
  expect(missing.stderr).toContain('user "nobody@example.org" was not found');
});
