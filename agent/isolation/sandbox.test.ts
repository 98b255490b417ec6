import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chooseSandbox } from "./probe.ts";
import { bwrapArgs, installationToBind } from "./sandbox.ts";

describe("the task sandbox", () => {
  it("hides folders (parents first), then binds the kernel files and the run folder", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-sandbox-"));
    const work = path.join(root, "work");
    const home = path.join(root, "home");
    const keyFile = path.join(root, "secret-key");
    fs.mkdirSync(path.join(work, "kernels"), { recursive: true });
    fs.mkdirSync(home);
    fs.writeFileSync(keyFile, "k");
    const args = bwrapArgs([home, work, keyFile, path.join(root, "missing")], {
      writable: [path.join(work, "runs", "g")],
      readable: [path.join(work, "kernels")],
      cwd: path.join(work, "runs", "g"),
    });
    const text = args.join(" ");
    expect(text).toContain("--unshare-pid --proc /proc");
    expect(text).toContain("--die-with-parent --new-session");
    expect(text).toContain(`--tmpfs ${home}`);
    expect(text).toContain(`--ro-bind /dev/null ${keyFile}`);
    expect(text).not.toContain("missing");
    // A bind below a hidden folder must come after the tmpfs that hides it, or it is hidden too.
    expect(text.indexOf(`--tmpfs ${work}`)).toBeLessThan(text.indexOf(`--ro-bind ${work}/kernels`));
    expect(text.indexOf(`--ro-bind ${work}/kernels`)).toBeLessThan(
      text.indexOf(`--bind ${work}/runs/g`),
    );
    expect(args.slice(-2)).toEqual(["--chdir", path.join(work, "runs", "g")]);
    // The whole system is read-only: only binds made after it are writable.
    expect(args.slice(0, 3)).toEqual(["--ro-bind", "/", "/"]);
  });

  it("falls back with a warning by default, refuses when bwrap is asked for, warns when off", () => {
    const broken = () =>
      "bwrap cannot create its sandbox here: No permissions to create new namespace";
    const auto = chooseSandbox("auto", [], broken);
    expect(auto.sandbox.kind).toBe("none");
    expect(auto.error).toBeUndefined();
    expect(auto.warning).toMatch(
      /WARNING: .*No permissions.*UNISOLATED.*apt-get install bubblewrap/,
    );
    const strict = chooseSandbox("bwrap", [], broken);
    expect(strict.error).toMatch(/--isolation bwrap: .*No permissions.*install bubblewrap/);
    const off = chooseSandbox("none", [], () => undefined);
    expect(off.sandbox.kind).toBe("none");
    expect(off.warning).toMatch(/WARNING: --isolation none: tasks run UNISOLATED/);
    expect(chooseSandbox("auto", [], () => undefined)).toMatchObject({
      sandbox: { kind: "bwrap" },
    });
  });

  it("binds an interpreter back when it is installed where the sandbox shows an empty folder", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-interpreter-"));
    const hidden = path.join(root, "hidden");
    for (const dir of ["node/bin", "hidden/py/bin"]) fs.mkdirSync(path.join(root, dir), { recursive: true }); // prettier-ignore
    for (const file of ["node/bin/node", "hidden/py/bin/python3", "loose"]) fs.writeFileSync(path.join(root, file), ""); // prettier-ignore
    fs.symlinkSync(path.join(root, "node/bin/node"), path.join(root, "link"));
    // Under /tmp (a private tmpfs in the sandbox): the whole installation, through symlinks.
    expect(installationToBind(path.join(root, "link"), [])).toBe(path.join(root, "node"));
    // Below a hidden folder: the installation, not the hidden folder.
    expect(installationToBind(path.join(root, "hidden/py/bin/python3"), [hidden])).toBe(path.join(root, "hidden/py")); // prettier-ignore
    // Never a private or hidden folder itself: the binary alone.
    expect(installationToBind(path.join(root, "loose"), [root])).toBe(path.join(root, "loose"));
    // Where the sandbox shows the system as it is, or a bare command name: nothing to bind.
    expect(installationToBind("/usr/bin/env", [])).toBeUndefined();
    expect(installationToBind("python3", [])).toBeUndefined();
    expect(installationToBind(path.join(root, "missing"), [])).toBeUndefined();
    fs.rmSync(root, { recursive: true, force: true });
  });
});
