// Shared by the Playwright config, the server launcher for tests and the specs.
export const E2E_API_KEY = "pipebook-e2e-bootstrap-key-0123456789";
// PIPEBOOK_E2E_PORT_BASE moves the test servers, so that two checkouts can test at once.
const base = Number(process.env.PIPEBOOK_E2E_PORT_BASE ?? 4311);
export const PGLITE_PORT = base;
export const POSTGRES_PORT = base + 1;
// The smoke test's own server (playwright.smoke.config.ts), free while the main suite's run.
export const SMOKE_PORT = base + 2;
