// Prints the e2e tier's closing line, "e2e: N passed, N failed, N skipped", which CI counts.
// PIPEBOOK_TEST_TIER_LABEL names another run (scripts/test.mjs: "e2e (node24): …").
import type { FullResult, Reporter, Suite } from "@playwright/test/reporter";

const label = process.env.PIPEBOOK_TEST_TIER_LABEL
  ? ` (${process.env.PIPEBOOK_TEST_TIER_LABEL})`
  : "";

export default class SummaryReporter implements Reporter {
  private suite?: Suite;

  onBegin(_config: unknown, suite: Suite) {
    this.suite = suite;
  }

  onEnd(result: FullResult) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of this.suite?.allTests() ?? []) {
      const outcome = test.outcome();
      if (outcome === "expected" || outcome === "flaky") passed++;
      else if (outcome === "skipped") skipped++;
      else failed++;
    }
    // A run that broke before its tests (a server that did not start) is a failure too.
    if (result.status !== "passed" && failed === 0) failed = 1;
    console.log(`e2e${label}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }

  printsToStdio() {
    return false;
  }
}
