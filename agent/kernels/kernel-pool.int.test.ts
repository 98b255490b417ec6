// The warm-kernel pool with real Python kernels: a group running as many tasks at once as it may
// keep idle is served by the same kernels round after round, none started or killed between.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startKernels } from "../../test/support/agent-harness.ts";
import type { KernelProcess } from "./kernel-process.ts";

describe("KernelPool", () => {
  const kernels = startKernels();
  afterAll(() => kernels.close());
  const group = { key: "deployment d; flow f v1", dir: path.join(kernels.workDir, "runs", "g") };
  fs.mkdirSync(group.dir, { recursive: true });

  /** Four tasks at once, as an agent with two runs of two tasks each: their kernels. */
  async function round(): Promise<Set<KernelProcess>> {
    const taken: KernelProcess[] = [];
    for (let i = 0; i < 4; i++) {
      taken.push(await kernels.pool.acquire("python", group));
      await kernels.pool.settled();
    }
    for (const kernel of taken) kernels.pool.release("python", group, kernel, true);
    return new Set(taken);
  }

  it("keeps the kernels of a group busy at its limit, instead of starting and killing one a round", async () => {
    const first = await round();
    expect(first.size).toBe(4);
    for (let i = 0; i < 3; i++) {
      const next = await round();
      expect([...next].every((kernel) => first.has(kernel) && kernel.alive)).toBe(true);
    }
  });
});
