// Cached dependency environments (../../DESIGN.md "python: { requirements }"): each distinct set
// is built once per machine into `<env dir>/<language>-<key>` and reused by every later run, by
// this agent and by any other agent sharing the folder. The key hashes the set, the runtime it
// was built for and the lock it installed. A set built before its lock existed resolved that
// lock itself, so later runs that bring the lock reuse it rather than build it again.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { EnvironmentLock } from "../../contract/agent-protocol.ts";
import { canonicalJson, sha256 } from "../../contract/content-hash.ts";
import type { EnvironmentSpec } from "../../contract/flow-file/dependencies.ts";
import { environmentSpecHash } from "../../contract/flow-file/environment-spec.ts";
import { withBuildLock } from "./build-lock.ts";
import { buildNode, buildPython, type BuildLine, type BuildTools } from "./builders.ts";

/** A built environment a kernel can run in. */
export type ReadyEnvironment = {
  /** Identifies it (the kernel pool keeps warm kernels per environment). */
  key: string;
  language: EnvironmentSpec["language"];
  dir: string;
  /** The venv's interpreter (Python). */
  python?: string;
  /** Where the installed packages are (TypeScript). */
  nodeModules?: string;
  /** What it holds exactly. */
  lock: EnvironmentLock;
  /** Whether this call built it (false: it was there, or another process built it). */
  built: boolean;
};

type Marker = { lock: EnvironmentLock; python?: string; nodeModules?: string };
const MARKER = ".pipebook-environment.json";

export type EnvironmentStoreOptions = Omit<BuildTools, "python"> & {
  /** The folder holding every environment (may be shared by several agents). */
  root: string;
  /** The Python that venvs are made from (--python). */
  python: string;
};

export class EnvironmentStore {
  private readonly building = new Map<string, Promise<ReadyEnvironment>>();
  private runtime: { python?: string; node: string } | undefined;

  constructor(private readonly options: EnvironmentStoreOptions) {}

  /** What the environments are built for: a venv belongs to one interpreter, addons to one ABI. */
  private runtimeOf(language: EnvironmentSpec["language"]): string {
    this.runtime ??= { node: `${process.platform}-${process.arch}-abi${process.versions.modules}` };
    if (language === "typescript") return this.runtime.node;
    this.runtime.python ??= execFileSync(
      this.options.python,
      ["-c", "import sys; print(sys.executable, sys.version.split()[0])"],
      { encoding: "utf8", timeout: 30_000 },
    ).trim();
    return `${process.platform}-${process.arch} ${this.runtime.python}`;
  }

  private dirOf(spec: EnvironmentSpec, lock: EnvironmentLock | undefined): string {
    const key = sha256(
      canonicalJson({
        set: environmentSpecHash(spec),
        runtime: this.runtimeOf(spec.language),
        lock: lock ? lockIdentity(lock) : null,
      }),
    ).slice(0, 24);
    return path.join(this.options.root, `${spec.language}-${key}`);
  }

  /**
   * The environment of `spec` (installing exactly `lock` when given), built now if no process
   * has built it yet. Build output goes to `onLine`; a failed build throws a BuildError whose
   * message names the cause and ends with the tool's last lines.
   */
  async prepare(
    spec: EnvironmentSpec,
    lock: EnvironmentLock | undefined,
    onLine: (line: BuildLine) => void,
  ): Promise<ReadyEnvironment> {
    const unlocked = this.dirOf(spec, undefined);
    // The set built before its lock existed holds that lock already.
    const dir =
      lock && sameLock(readMarker(unlocked)?.lock, lock) ? unlocked : this.dirOf(spec, lock);
    const ready = readMarker(dir);
    if (ready) return this.readyOf(spec, dir, ready, false);
    // One build per set in this process; the lock file below makes it one per machine.
    let pending = this.building.get(dir);
    if (!pending) {
      pending = this.build(spec, lock, dir, onLine).finally(() => this.building.delete(dir));
      this.building.set(dir, pending);
    } else {
      onLine({ level: "info", message: `[deps] waiting for ${path.basename(dir)}, being built for another task` }); // prettier-ignore
      return { ...(await pending), built: false };
    }
    return pending;
  }

  private async build(
    spec: EnvironmentSpec,
    lock: EnvironmentLock | undefined,
    dir: string,
    onLine: (line: BuildLine) => void,
  ): Promise<ReadyEnvironment> {
    fs.mkdirSync(this.options.root, { recursive: true, mode: 0o700 });
    const name = path.basename(dir);
    const started = Date.now();
    const outcome = await withBuildLock(
      `${dir}.lock`,
      () => readMarker(dir) !== undefined,
      async () => {
        // A folder without its marker is a build that died half-way: start again.
        fs.rmSync(dir, { recursive: true, force: true });
        const what =
          spec.language === "python"
            ? `Python requirements ${spec.requirements.join(" ")}`
            : `npm packages ${Object.entries(spec.packages).map(([n, v]) => `${n}@${v}`).join(" ")}`; // prettier-ignore
        onLine({
          level: "info",
          message: `[deps] building environment ${name}: ${what}${lock ? " (exact versions of the flow version's lock)" : ""}`,
        });
        const tools: BuildTools = { ...this.options };
        const tagged = (line: BuildLine) => onLine({ ...line, message: `[deps] ${line.message}` });
        try {
          const result =
            spec.language === "python"
              ? await buildPython(dir, spec, lock?.language === "python" ? lock : undefined, tools, tagged) // prettier-ignore
              : await buildNode(dir, spec, lock?.language === "typescript" ? lock : undefined, tools, tagged); // prettier-ignore
          // Written last, atomically: its presence is what "ready" means to every process.
          const temp = path.join(dir, `${MARKER}.${process.pid}.tmp`);
          fs.writeFileSync(temp, JSON.stringify(result));
          fs.renameSync(temp, path.join(dir, MARKER));
        } catch (error) {
          fs.rmSync(dir, { recursive: true, force: true });
          throw error;
        }
        onLine({
          level: "info",
          message: `[deps] built environment ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        });
      },
      () =>
        onLine({
          level: "info",
          message: `[deps] waiting for environment ${name}: another agent on this machine is building it`,
        }),
    );
    const marker = readMarker(dir);
    if (!marker) throw new Error(`environment ${name} was not built`);
    return this.readyOf(spec, dir, marker, outcome === "built");
  }

  private readyOf(
    spec: EnvironmentSpec,
    dir: string,
    marker: Marker,
    built: boolean,
  ): ReadyEnvironment {
    return {
      key: path.basename(dir),
      language: spec.language,
      dir,
      lock: marker.lock,
      built,
      ...(marker.python ? { python: marker.python } : {}),
      ...(marker.nodeModules ? { nodeModules: marker.nodeModules } : {}),
    };
  }
}

function readMarker(dir: string): Marker | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MARKER), "utf8")) as Marker;
  } catch {
    return undefined;
  }
}

/** What makes two locks install the same: the versions (not npm's bookkeeping around them). */
function lockIdentity(lock: EnvironmentLock): unknown {
  return lock.language === "python" ? [...lock.requirements].sort() : lock.packages;
}

function sameLock(a: EnvironmentLock | undefined, b: EnvironmentLock): boolean {
  return a !== undefined && canonicalJson(lockIdentity(a)) === canonicalJson(lockIdentity(b));
}
