import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withBuildLock } from "./build-lock.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("withBuildLock", () => {
  it("builds once while the others wait for the result", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-lock-"));
    const ready = path.join(dir, "ready");
    let builds = 0;
    let waits = 0;
    const build = async () => {
      builds++;
      await sleep(300);
      fs.writeFileSync(ready, "");
    };
    const outcomes = await Promise.all(
      [0, 1, 2].map(() =>
        withBuildLock(
          path.join(dir, "env.lock"),
          () => fs.existsSync(ready),
          build,
          () => waits++,
        ),
      ),
    );
    expect(builds).toBe(1);
    expect(waits).toBe(2);
    expect(outcomes.sort()).toEqual(["built", "ready", "ready"]);
    expect(fs.existsSync(path.join(dir, "env.lock"))).toBe(false);
  });

  it("takes over the lock of a process that died mid-build, and frees it when a build fails", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-lock-"));
    const lock = path.join(dir, "env.lock");
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => dead.once("exit", resolve));
    fs.writeFileSync(lock, String(dead.pid));
    const failing = withBuildLock(lock, () => false, () => Promise.reject(new Error("pip broke")), () => undefined); // prettier-ignore
    await expect(failing).rejects.toThrow("pip broke");
    expect(fs.existsSync(lock)).toBe(false);
  });
});
