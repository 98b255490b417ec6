// The end-to-end smoke test on another Node: `npm test` runs Playwright itself under Node 24 with
// this config (scripts/test.mjs), so the server below, the agents the spec starts and their tasks
// all run on the Node that runs the tests (process.execPath). One server on the embedded PGlite;
// the browser settings are the main config's.
import { defineConfig } from "@playwright/test";
import base from "./playwright.config.ts";
import { E2E_API_KEY, SMOKE_PORT } from "./e2e/support/constants.ts";

export default defineConfig({
  ...base,
  reporter: [["list"], ["./e2e/support/summary-reporter.ts"]],
  outputDir: "test-results/smoke",
  webServer: {
    command: `"${process.execPath}" e2e/support/serve.mjs pglite ${SMOKE_PORT}`,
    url: `http://127.0.0.1:${SMOKE_PORT}/api/health`,
    env: { E2E_API_KEY },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
  },
  projects: [
    {
      name: "smoke",
      testMatch: ["smoke.spec.ts"],
      use: { baseURL: `http://127.0.0.1:${SMOKE_PORT}` },
    },
  ],
});
