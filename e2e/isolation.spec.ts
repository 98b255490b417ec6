// Task isolation end to end: a server of this spec's own with its local agent (isolation on by
// default), real runs whose tasks try what an attacker's task would — read the server's and the
// agent's environment and command line, the data folder's key file and database files, another
// run's folder; write the kernel and SDK files that later tasks import — and find nothing.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./support/fixtures.ts";
import { startServer, tempHome } from "./support/server-process.ts";

const KEY = `isolation-spec-bootstrap-${crypto.randomBytes(8).toString("hex")}`;

/** The server's process and everything below it, with their command lines. */
function processTree(root: number): { pid: number; args: string }[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" })
    .split("\n")
    .flatMap((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      return m ? [{ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }] : [];
    });
  const tree = new Set([root]);
  for (let size = 0; size !== tree.size;) {
    size = tree.size;
    for (const r of rows) if (tree.has(r.ppid)) tree.add(r.pid);
  }
  return rows.filter((r) => tree.has(r.pid));
}

async function runFlow(
  api: APIRequestContext,
  flow: Record<string, unknown>,
  parameters: Record<string, unknown>,
  wait = true,
) {
  expect((await api.post("/api/v1/flows", { data: flow })).status()).toBe(201);
  const deployed = await api.post("/api/v1/deployments", {
    data: { flow: flow.name, name: "e2e", parameters: {}, workQueue: "default", tags: [] },
  });
  const deployment = (await deployed.json()) as { id: string };
  const created = await api.post(`/api/v1/deployments/${deployment.id}/runs`, {
    data: { parameters },
  });
  expect(created.status(), await created.text()).toBe(201);
  const runId = ((await created.json()) as { id: string }).id;
  if (!wait) return { runId, state: "" };
  let run = { state: "", endedAt: null as string | null };
  for (let i = 0; i < 4 && !run.endedAt; i++) {
    run = await (await api.get(`/api/v1/flow-runs/${runId}/wait?timeoutSeconds=30`)).json();
  }
  return { runId, state: run.state };
}

const PYTHON_PROBE = [
  "import os",
  "def attempt(fn):",
  "    try:",
  "        return 'READ ' + str(fn())[:200]",
  "    except OSError as error:",
  "        return type(error).__name__",
  "def read(p):",
  "    with open(p, 'rb') as f:",
  "        return f.read()",
  "def append(p):",
  "    with open(p, 'a') as f:",
  "        return f.write('# hooked by a task')",
  "def main(t):",
  "    out = {f'environ {pid}': attempt(lambda pid=pid: read(f'/proc/{pid}/environ')) for pid in t['pids']}",
  "    out.update({f'cmdline {pid}': attempt(lambda pid=pid: read(f'/proc/{pid}/cmdline')) for pid in t['pids']})",
  "    for name in ['adminKey', 'pglite', 'otherRun']:",
  "        out[name] = attempt(lambda: read(t[name]))",
  "    out['data folder'] = attempt(lambda: os.listdir(t['home']))",
  "    for name in ['sdk', 'kernel']:",
  "        out['write ' + name] = attempt(lambda: append(t[name]))",
  "    secret = ['PIPEBOOK_HOME', 'PIPEBOOK_API_KEY', 'PIPEBOOK_BOOTSTRAP_API_KEY', 'PIPEBOOK_SECRET_KEY', 'DATABASE_URL']",
  "    out['env'] = [k for k in secret if k in os.environ]",
  "    return out",
].join("\n");

const SHELL_PROBE = [
  'for pid in $PIDS; do cat /proc/$pid/environ /proc/$pid/cmdline 2>/dev/null | tr "\\0" " " ; done',
  'cat "$ADMIN_KEY" "$OTHER_RUN" 2>/dev/null',
  'ls "$HOME_DIR" 2>/dev/null',
  'echo "# hooked" 2>/dev/null >> "$SDK" && echo SDK-WRITTEN',
  'echo "env: ${PIPEBOOK_HOME:-none}"',
].join("\n");

test("a task sees neither the server nor the agent nor another run, and cannot touch the kernels", async ({
  playwright,
}) => {
  test.setTimeout(180_000);
  const home = tempHome();
  fs.writeFileSync(path.join(home, "admin-api-key"), "pb_data_folder_key_marker\n", {
    mode: 0o600,
  });
  const server = await startServer(["--port", "0"], {
    PIPEBOOK_HOME: home,
    PIPEBOOK_BOOTSTRAP_API_KEY: KEY,
    PIPEBOOK_LOCAL_AGENT: "1",
  });
  const api = await playwright.request.newContext({
    baseURL: server.url,
    extraHTTPHeaders: { authorization: `Bearer ${KEY}` },
  });
  try {
    let agent: { pid: number; args: string } | undefined;
    await expect
      .poll(
        () =>
          (agent = processTree(server.child.pid!).find((p) =>
            p.args.includes("pipebook-agent.mjs"),
          )),
      )
      .toBeTruthy();
    const servers = processTree(server.child.pid!).filter(
      (p) => p.pid !== agent!.pid && !p.args.includes("bwrap"),
    );
    // The agent's key is on no command line and in no environment (tasks aside, any process of
    // the same user could read those).
    const agentCmdline = fs.readFileSync(`/proc/${agent!.pid}/cmdline`, "utf8");
    const agentEnviron = fs.readFileSync(`/proc/${agent!.pid}/environ`, "utf8");
    expect(agentCmdline).toContain("--api-key-file\0/dev/fd/3");
    expect(agentEnviron).not.toMatch(
      /PIPEBOOK_API_KEY=|PIPEBOOK_HOME=|PIPEBOOK_BOOTSTRAP_API_KEY=/,
    );
    const workDir = /--work-dir\0([^\0]+)/.exec(agentCmdline)![1]!;
    expect(
      workDir.startsWith(home),
      "the local agent's work folder is outside the data folder",
    ).toBe(false);
    expect(fs.statSync(workDir).mode & 0o777).toBe(0o700);
    expect(fs.readFileSync(`/proc/${server.child.pid}/environ`, "utf8")).toContain(KEY);

    // Another flow's run, still running, with a file in its folder.
    const writer = await runFlow(
      api,
      {
        name: "iso-writer",
        tasks: [{ name: "w", language: "shell", code: "echo other-run-data > data.txt\nsleep 60" }],
      },
      {},
      false,
    );
    await expect.poll(() => findFile(workDir, writer.runId), { timeout: 30_000 }).toBeTruthy();
    const otherRun = findFile(workDir, writer.runId)!;

    const sdk = findKernelFile(workDir, "pipebook.py");
    const kernel = findKernelFile(workDir, "kernel.mjs");
    const pglite = path.join(home, "db", "PG_VERSION");
    expect(fs.existsSync(pglite)).toBe(true);
    const targets = {
      pids: [...servers.map((p) => p.pid), agent!.pid],
      adminKey: path.join(home, "admin-api-key"),
      pglite,
      otherRun,
      home,
      sdk,
      kernel,
    };
    const probe = await runFlow(
      api,
      {
        name: "iso-probe",
        parameters: { type: "object", properties: { t: { type: "object" } } },
        tasks: [
          { name: "py", language: "python", code: PYTHON_PROBE },
          {
            name: "sh",
            language: "shell",
            code: [
              `PIDS="${targets.pids.join(" ")}" ADMIN_KEY=${targets.adminKey} OTHER_RUN=${otherRun} HOME_DIR=${home} SDK=${sdk}`,
              SHELL_PROBE,
            ].join(" ; "),
          },
        ],
      },
      { t: targets },
    );
    expect(probe.state).toBe("Completed");
    const result = (await (
      await api.get(`/api/v1/flow-runs/${probe.runId}/tasks/py/result`)
    ).json()) as Record<string, unknown>;
    for (const [what, outcome] of Object.entries(result)) {
      if (what === "env")
        expect(outcome, "Pipebook's variables in the task's environment").toEqual([]);
      else if (what === "data folder") expect(outcome, what).toBe("READ []");
      else expect(outcome, what).toMatch(/^(FileNotFoundError|PermissionError|OSError)$/);
    }
    expect(Object.keys(result)).toContain(`environ ${server.child.pid}`);
    const logs = (await (
      await api.get(`/api/v1/flow-runs/${probe.runId}/logs?limit=1000`)
    ).json()) as {
      logs: { task: string; message: string }[];
    };
    const shell = logs.logs
      .filter((l) => l.task === "sh")
      .map((l) => l.message)
      .join("\n");
    expect(shell).toContain("env: none");
    for (const leak of [
      KEY,
      "pb_data_folder_key_marker",
      "other-run-data",
      "SDK-WRITTEN",
      "--api-url",
      "PIPEBOOK_HOME=",
    ])
      expect(shell, `the shell task read ${leak}`).not.toContain(leak);
    expect(fs.readFileSync(sdk, "utf8")).not.toContain("hooked");
    expect(fs.readFileSync(kernel, "utf8")).not.toContain("hooked");
  } finally {
    await api.dispose();
    await server.stop();
  }
});

function findFile(workDir: string, runId: string): string | undefined {
  const runs = path.join(workDir, "runs");
  for (const group of fs.existsSync(runs) ? fs.readdirSync(runs) : []) {
    const file = path.join(runs, group, runId, "data.txt");
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

function findKernelFile(workDir: string, name: string): string {
  const found = (fs.readdirSync(workDir, { recursive: true }) as string[]).find(
    (f) => path.basename(f) === name,
  );
  if (!found) throw new Error(`no ${name} below ${workDir}`);
  return path.join(workDir, found);
}
