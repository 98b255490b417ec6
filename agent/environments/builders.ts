// Building one environment in its folder: a Python venv filled by pip (or uv, when it is on the
// PATH: several times faster), or an npm install folder. Every line pip/npm print goes to
// `onLine` as it comes (the task's log); the last lines are kept for the failure message.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { EnvironmentLock } from "../../contract/agent-protocol.ts";
import type { EnvironmentSpec } from "../../contract/flow-file/dependencies.ts";
import { readLines } from "../kernels/output.ts";
import { explainBuildFailure } from "./build-failure.ts";

export type BuildTools = {
  python: string;
  /** uv's path when it is on the PATH. */
  uv?: string;
  npm: string;
  pipIndexUrl?: string;
  pipFindLinks: string[];
  /** The builds' environment: the tasks' own, plus pip's, uv's and npm's settings. */
  env: NodeJS.ProcessEnv;
  /** How pip is run for the venv being built (set while building). */
  pipCommand?: string[];
};

const sharedPips = new Map<string, boolean>();

/** Whether `python`'s own pip can install into another interpreter (pip >= 22.3 has --python). */
function sharedPip(python: string): boolean {
  let known = sharedPips.get(python);
  if (known === undefined) {
    const out = spawnSync(python, ["-m", "pip", "--version"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    const [major = 0, minor = 0] = (/^pip (\d+)\.(\d+)/.exec(out.stdout ?? "") ?? [])
      .slice(1)
      .map(Number);
    known = out.status === 0 && (major > 22 || (major === 22 && minor >= 3));
    sharedPips.set(python, known);
  }
  return known;
}

export type BuildLine = { level: "info" | "warning"; message: string };

export class BuildError extends Error {
  override name = "BuildError";
}

const TAIL_LINES = 25;

function run(
  tool: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  onLine: (line: BuildLine) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const keep = (level: BuildLine["level"]) => (message: string) => {
      tail.push(message);
      if (tail.length > TAIL_LINES * 4) tail.splice(0, tail.length - TAIL_LINES);
      onLine({ level, message });
    };
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    readLines(child.stdout, keep("info"));
    readLines(child.stderr, keep("warning"));
    child.on("error", (error) =>
      reject(new BuildError(`cannot run ${tool} (${command}): ${error.message}`)),
    );
    child.on("close", (code, signal) => {
      if (code === 0) return resolve(stdout);
      const last = tail.slice(-TAIL_LINES);
      reject(
        new BuildError(
          `${explainBuildFailure(tool, last)} (${tool} ${signal ? `was killed by ${signal}` : `exited with ${code}`})\n` +
            `--- last lines of ${tool}'s output ---\n${last.join("\n")}`,
        ),
      );
    });
  });
}

export async function buildPython(
  dir: string,
  spec: Extract<EnvironmentSpec, { language: "python" }>,
  lock: Extract<EnvironmentLock, { language: "python" }> | undefined,
  given: BuildTools,
  onLine: (line: BuildLine) => void,
): Promise<{ python: string; lock: EnvironmentLock }> {
  let tools = given;
  const options = { cwd: path.dirname(dir), env: tools.env };
  const python = path.join(dir, "bin", "python");
  const indexArgs = [
    ...(tools.pipIndexUrl ? ["--index-url", tools.pipIndexUrl] : []),
    ...tools.pipFindLinks.flatMap((link) => ["--find-links", link]),
  ];
  // With a lock: exactly its versions, nothing resolved again (--no-deps: the lock is complete).
  const wanted = lock ? lock.requirements : spec.requirements;
  const noDeps = lock ? ["--no-deps"] : [];
  if (tools.uv) {
    await run("uv", tools.uv, ["venv", "--python", tools.python, dir], options, onLine);
    await run(
      "uv",
      tools.uv,
      ["pip", "install", "--python", python, ...indexArgs, ...noDeps, "--", ...wanted],
      options,
      onLine,
    );
  } else {
    // The interpreter's own pip installs into the venv (pip >= 22.3 --python): a venv without
    // its own pip is made in ~0.1 s instead of ~4 s (measured here, Python 3.11, pip 23.2).
    const shared = sharedPip(tools.python);
    const pip = shared ? [tools.python, "--python", python] : [python];
    await run("python", tools.python, ["-m", "venv", ...(shared ? ["--without-pip"] : []), dir], options, onLine); // prettier-ignore
    if (wanted.length)
      await run(
        "pip",
        pip[0]!,
        ["-m", "pip", ...pip.slice(1), "install", "--disable-pip-version-check", "--no-input",
          "--progress-bar", "off", ...indexArgs, ...noDeps, "--", ...wanted], // prettier-ignore
        options,
        onLine,
      );
    tools = { ...tools, pipCommand: pip };
  }
  const frozen = tools.uv
    ? await run("uv", tools.uv, ["pip", "freeze", "--python", python], options, () => undefined)
    : await run("pip", tools.pipCommand![0]!, ["-m", "pip", ...tools.pipCommand!.slice(1), "freeze", "--disable-pip-version-check"], options, () => undefined); // prettier-ignore
  const requirements = frozen
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !l.startsWith("-"));
  return { python, lock: { language: "python", requirements } };
}

export async function buildNode(
  dir: string,
  spec: Extract<EnvironmentSpec, { language: "typescript" }>,
  lock: Extract<EnvironmentLock, { language: "typescript" }> | undefined,
  tools: BuildTools,
  onLine: (line: BuildLine) => void,
): Promise<{ nodeModules: string; lock: EnvironmentLock }> {
  fs.mkdirSync(dir, { recursive: true });
  const manifest = { name: "pipebook-environment", private: true, dependencies: spec.packages };
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const quiet = ["--no-audit", "--no-fund", "--no-update-notifier"];
  if (lock) {
    fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify(lock.packageLock));
    await run("npm", tools.npm, ["ci", ...quiet], { cwd: dir, env: tools.env }, onLine);
  } else {
    await run("npm", tools.npm, ["install", ...quiet], { cwd: dir, env: tools.env }, onLine);
  }
  const packageLock = JSON.parse(
    fs.readFileSync(path.join(dir, "package-lock.json"), "utf8"),
  ) as Record<string, unknown>;
  const packages: Record<string, string> = {};
  const entries = (packageLock.packages ?? {}) as Record<string, { version?: unknown }>;
  for (const [at, entry] of Object.entries(entries)) {
    if (at && typeof entry.version === "string") packages[at] = entry.version;
  }
  return {
    nodeModules: path.join(dir, "node_modules"),
    lock: { language: "typescript", packages, packageLock },
  };
}
