// A task printing as fast as it can: every line reaches the agent's report sink once, in order,
// for each language (the first step of the ≥ 50,000 lines/s pipeline).
import { afterAll, describe, expect, it } from "vitest";
import { claimedRun, execute, logsOf, startKernels } from "../../test/support/agent-harness.ts";

const kernels = startKernels();
afterAll(() => kernels.close());

const LINES = 100_000;
const PRINTERS = {
  python: `def main():\n    for i in range(${LINES}):\n        print(i)\n`,
  typescript: `export default function main() {\n  for (let i = 0; i < ${LINES}; i++) console.log(i);\n}\n`,
  shell: `seq 0 ${LINES - 1}\n`,
};

describe("a task's output as log lines", () => {
  for (const [language, code] of Object.entries(PRINTERS)) {
    it(`keeps every line of a ${language} task printing ${LINES} lines, in order`, async () => {
      const run = await claimedRun({
        name: "printer",
        tasks: [{ name: "printer", language: language as "python", code }],
      });
      const { end, events } = await execute(kernels, run);
      expect(end).toBe("Completed");
      const lines = logsOf(events, "printer");
      expect(lines.length).toBe(LINES);
      expect(lines.every((line, i) => line.message === String(i))).toBe(true);
    });
  }
});
