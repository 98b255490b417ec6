// Shared by the Playwright config, the server launcher for tests and the specs.
export const E2E_API_KEY = "pipebook-e2e-bootstrap-key-0123456789";
export const PGLITE_PORT = 4311;
export const POSTGRES_PORT = 4312;
