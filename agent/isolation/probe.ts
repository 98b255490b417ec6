// Choosing the sandbox at start-up: bwrap must exist and be able to make its namespaces here
// (unprivileged user namespaces can be off: some containers, Ubuntu's AppArmor restriction).
import { spawnSync } from "node:child_process";
import { bwrapSandbox, NO_SANDBOX, type IsolationMode, type Sandbox } from "./sandbox.ts";

export const INSTALL_HINT =
  "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap) " +
  "and allow unprivileged user namespaces (Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0, " +
  "or run the agent as root)";

/** Why bwrap cannot sandbox tasks on this host, or undefined when it can. */
export function probeBwrap(bwrap = "bwrap"): string | undefined {
  const probe = spawnSync(
    bwrap,
    ["--ro-bind", "/", "/", "--dev", "/dev", "--unshare-pid", "--proc", "/proc",
     "--die-with-parent", "--new-session", "--tmpfs", "/tmp", "--", "true"], // prettier-ignore
    { encoding: "utf8", timeout: 10_000 },
  );
  if (probe.error) return `${bwrap} cannot be started (${probe.error.message})`;
  if (probe.status !== 0) {
    return `${bwrap} cannot create its sandbox here: ${probe.stderr.trim() || `exit code ${probe.status}`}`;
  }
  return undefined;
}

export type SandboxChoice = { sandbox: Sandbox; warning?: string; error?: string };

/**
 * `auto` (the default) falls back to no isolation with a loud warning rather than refusing:
 * the quick start must keep working where bwrap cannot exist (macOS, containers without user
 * namespaces — where the container is the boundary); whoever needs the guarantee asks for
 * `--isolation bwrap`, which refuses to start without it.
 */
export function chooseSandbox(
  mode: IsolationMode,
  hidden: string[],
  probe: () => string | undefined = probeBwrap,
): SandboxChoice {
  const off =
    "tasks run UNISOLATED: they can read this agent's files and, on this host, other processes' " +
    "environment and the server's data folder";
  if (mode === "none") {
    return { sandbox: NO_SANDBOX, warning: `WARNING: --isolation none: ${off}` };
  }
  const problem = probe();
  if (!problem) return { sandbox: bwrapSandbox("bwrap", hidden) };
  if (mode === "bwrap") {
    return { sandbox: NO_SANDBOX, error: `--isolation bwrap: ${problem}; ${INSTALL_HINT}` };
  }
  return {
    sandbox: NO_SANDBOX,
    warning: `WARNING: ${problem}; ${off}. To isolate tasks, ${INSTALL_HINT}; --isolation none silences this`,
  };
}
