// Prints one closing line per test tier — "unit: 12 passed, 0 failed, 1 skipped" — which is what
// CI counts. A test file that fails before its tests run (import error, failing hook) counts as
// one failure, so a broken file can never pass as "0 failed". PIPEBOOK_TEST_TIER_LABEL names a
// second run of the same tiers (scripts/test.mjs: "node24" → "unit (node24): …").
import type { Reporter, TestModule } from "vitest/node";
import { testSettings } from "./test-settings.ts";

type Counts = { passed: number; failed: number; skipped: number };

const label = testSettings.tierLabel ? ` (${testSettings.tierLabel})` : "";

export default class TierSummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    const tiers = new Map<string, Counts>();
    for (const testModule of modules) {
      const name = testModule.project.name || "tests";
      const counts = tiers.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      let failedHere = 0;
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") {
          counts.failed++;
          failedHere++;
        } else counts.skipped++;
      }
      if (testModule.state() === "failed" && failedHere === 0) counts.failed++;
      tiers.set(name, counts);
    }
    const lines = [...tiers.entries()].sort(([a], [b]) => a.localeCompare(b));
    if (unhandledErrors.length) {
      const first = lines[0];
      if (first) first[1].failed += unhandledErrors.length;
      else lines.push(["tests", { passed: 0, failed: unhandledErrors.length, skipped: 0 }]);
    }
    for (const [name, c] of lines) {
      console.log(`${name}${label}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
    }
  }
}
