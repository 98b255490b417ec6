// Task isolation with real kernels and real bubblewrap sandboxes: what one flow's task does to
// its interpreter never reaches another flow's runs, and a task sees neither the agent's state,
// nor another run's folder, nor the hidden folders, nor the agent's own process.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimedRun,
  execute,
  resultOf,
  startKernels,
  type Kernels,
} from "../../test/support/agent-harness.ts";
import { probeBwrap } from "./probe.ts";
import { bwrapSandbox } from "./sandbox.ts";

const HOOK = [
  "import builtins",
  "def main(**params):",
  "    seen = list(getattr(builtins, 'pipebook_hook', []))",
  "    builtins.pipebook_hook = seen + [params.get('who')]",
  "    return seen",
].join("\n");

const hookFlow = (name: string) => ({
  name,
  parameters: { type: "object", properties: { who: { type: "string" } } },
  tasks: [{ name: "hook", language: "python" as const, code: HOOK }],
});

describe("kernels are never shared between flows or deployments", () => {
  let kernels: Kernels;
  beforeAll(() => {
    kernels = startKernels();
  });
  afterAll(async () => kernels.close());

  it("a hook set by flow A reaches A's next run only, never flow B's nor another deployment's", async () => {
    const deploymentA = { id: crypto.randomUUID(), name: "a" };
    const a1 = await execute(kernels, await claimedRun(hookFlow("flow-a"), { who: "a1" }, { deployment: deploymentA })); // prettier-ignore
    expect(resultOf(a1.events, "hook")).toEqual([]);
    // The same deployment and flow version: the warm kernel is reused (that is what keeps it fast).
    const a2 = await execute(kernels, await claimedRun(hookFlow("flow-a"), { who: "a2" }, { deployment: deploymentA })); // prettier-ignore
    expect(resultOf(a2.events, "hook")).toEqual(["a1"]);
    const b = await execute(kernels, await claimedRun(hookFlow("flow-b"), { who: "b" }));
    expect(resultOf(b.events, "hook"), "flow B saw flow A's parameters").toEqual([]);
    const otherDeployment = await execute(kernels, await claimedRun(hookFlow("flow-a"), { who: "a3" })); // prettier-ignore
    expect(resultOf(otherDeployment.events, "hook")).toEqual([]);
    const nextVersion = await execute(kernels, await claimedRun(hookFlow("flow-a"), { who: "a4" }, { deployment: deploymentA, flow: { name: "flow-a", version: 2 } })); // prettier-ignore
    expect(resultOf(nextVersion.events, "hook")).toEqual([]);
  });
});

const PROBE = [
  "import json, os",
  "def attempt(what, fn):",
  "    try:",
  "        fn()",
  "        return 'allowed'",
  "    except OSError as error:",
  "        return type(error).__name__",
  "def main(paths):",
  "    out = {}",
  "    out['agent environ'] = attempt('', lambda: open(f\"/proc/{paths['agentPid']}/environ\").read())",
  "    out['agent cmdline'] = attempt('', lambda: open(f\"/proc/{paths['agentPid']}/cmdline\").read())",
  "    out['hidden key'] = attempt('', lambda: open(paths['hiddenKey']).read())",
  "    out['other run'] = attempt('', lambda: open(paths['otherRun']).read())",
  "    out['kernel files'] = attempt('', lambda: open(paths['sdk'], 'a').write('# hooked'))",
  "    out['own folder'] = attempt('', lambda: open('mine.txt', 'w').write('ok'))",
  "    out['tmp'] = attempt('', lambda: open('/tmp/scratch', 'w').write('ok'))",
  "    out['processes'] = sorted(p for p in os.listdir('/proc') if p.isdigit())[:5]",
  "    return out",
].join("\n");

const bwrapProblem = probeBwrap();

describe.skipIf(bwrapProblem)("a task in the bubblewrap sandbox", () => {
  let kernels: Kernels;
  let hidden: string;
  beforeAll(() => {
    hidden = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-hidden-home-"));
    fs.writeFileSync(path.join(hidden, "admin-api-key"), "pb_admin_secret\n");
    kernels = startKernels({ sandbox: (workDir) => bwrapSandbox("bwrap", [workDir, hidden]) });
  });
  afterAll(async () => {
    await kernels.close();
    fs.rmSync(hidden, { recursive: true, force: true });
  });

  it("cannot read the agent, the hidden folders or another run's folder, nor write the kernels", async () => {
    const other = await execute(kernels, await claimedRun({ name: "other", tasks: [{ name: "w", language: "shell", code: "echo secret-data > data.txt" }] })); // prettier-ignore
    expect(other.end).toBe("Completed");
    const paths = {
      agentPid: process.pid,
      hiddenKey: path.join(hidden, "admin-api-key"),
      otherRun: path.join(other.cwd, "data.txt"),
      sdk: path.join(kernels.files.pythonPath, "pipebook.py"),
    };
    expect(fs.readFileSync(paths.otherRun, "utf8")).toBe("secret-data\n");
    const flow = {
      name: "probe",
      parameters: { type: "object", properties: { paths: { type: "object" } } },
      tasks: [
        { name: "py", language: "python" as const, code: PROBE },
        {
          name: "sh",
          language: "shell" as const,
          code: [
            `cat /proc/${process.pid}/environ >/dev/null 2>&1 && echo environ-read`,
            `cat ${paths.hiddenKey} 2>/dev/null`,
            `cat ${paths.otherRun} 2>/dev/null`,
            `echo x >> ${paths.sdk} 2>/dev/null && echo sdk-written`,
            'echo "{\\"wrote\\": \\"$(echo ok > mine-sh.txt && cat mine-sh.txt)\\"}"',
          ].join("\n"),
        },
      ],
    };
    const { end, events, cwd } = await execute(kernels, await claimedRun(flow, { paths }));
    expect(end).toBe("Completed");
    expect(resultOf(events, "py")).toEqual({
      "agent environ": "FileNotFoundError",
      "agent cmdline": "FileNotFoundError",
      "hidden key": "FileNotFoundError",
      "other run": "FileNotFoundError",
      "kernel files": "OSError",
      "own folder": "allowed",
      tmp: "allowed",
      processes: expect.any(Array),
    });
    expect((resultOf(events, "py") as { processes: string[] }).processes).not.toContain(
      String(process.pid),
    );
    expect(resultOf(events, "sh")).toEqual({ wrote: "ok" });
    const logs = events.flatMap((e) => (e.type === "log" ? [e.message] : [])).join("\n");
    expect(logs).not.toMatch(/environ-read|pb_admin_secret|secret-data|sdk-written/);
    expect(fs.readFileSync(paths.sdk, "utf8")).not.toContain("hooked");
    expect(fs.readFileSync(path.join(cwd, "mine.txt"), "utf8")).toBe("ok");
  });
});

describe.skipIf(bwrapProblem)("an interpreter installed under /tmp, in the sandbox", () => {
  let kernels: Kernels;
  let install: string;
  beforeAll(() => {
    // The sandbox's /tmp is a private tmpfs: a Node.js unpacked there must be bound back in.
    install = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-node-install-"));
    fs.mkdirSync(path.join(install, "bin"));
    fs.copyFileSync(process.execPath, path.join(install, "bin", "node"));
    fs.chmodSync(path.join(install, "bin", "node"), 0o755);
    kernels = startKernels({
      sandbox: (workDir) => bwrapSandbox("bwrap", [workDir]),
      node: path.join(install, "bin", "node"),
    });
  });
  afterAll(async () => {
    await kernels.close();
    fs.rmSync(install, { recursive: true, force: true });
  });

  it("runs TypeScript tasks", async () => {
    const flow = {
      name: "node-in-tmp",
      tasks: [{ name: "ts", language: "typescript" as const, code: "export default () => process.execPath;" }], // prettier-ignore
    };
    const { end, events } = await execute(kernels, await claimedRun(flow));
    expect(end).toBe("Completed");
    expect(resultOf(events, "ts")).toBe(path.join(install, "bin", "node"));
  });
});
