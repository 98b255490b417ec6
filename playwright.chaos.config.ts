// `npm run test:chaos` (e2e/chaos/): the chaos test, on its own — it starts its own two replicas
// on PostgreSQL, its agents and two network namespaces, and takes both cores for ~3 minutes.
// The browser settings are the main config's (it needs no browser).
import { defineConfig } from "@playwright/test";
import base from "./playwright.config.ts";

export default defineConfig({
  ...base,
  testDir: "e2e/chaos",
  reporter: [["list"], ["./e2e/support/summary-reporter.ts"]],
  outputDir: "test-results/chaos",
  webServer: undefined,
  projects: [{ name: "chaos", testMatch: ["chaos.spec.ts"] }],
});
