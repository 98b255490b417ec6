import os from "node:os";
import { describe, expect, it } from "vitest";
import { KernelProcess } from "./kernel-process.ts";

// A kernel that says it is ready and then never reads its commands: killed with a command still
// unread in its pipe, the agent's end of that socket pair is reset (ECONNRESET on read).
const DEAF_KERNEL = [
  "-e",
  `require("fs").writeSync(4, JSON.stringify({ type: "ready", pid: process.pid, version: "test" }) + "\\n");
   setInterval(() => {}, 1000);`,
];

describe("KernelProcess", () => {
  it("reports a kernel killed with a command unread as exited, without an error escaping", async () => {
    const kernel = await KernelProcess.start({
      command: process.execPath,
      args: DEAF_KERNEL,
      env: process.env,
      cwd: os.tmpdir(),
    });
    const outcome = kernel.run({ task: "t", code: "x".repeat(1000) }, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await kernel.kill();
    expect(await outcome).toMatchObject({ ok: false, error: { type: "ProcessExited" } });
    // An 'error' event with no listener would surface as the run's uncaught exception by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(kernel.alive).toBe(false);
  });
});
