// The one place the test tiers read their environment (the server's own settings are read in
// server/config.ts, the agent's in agent/config.ts): knobs of the tests themselves, and the
// environment the processes they start inherit.

/** An integer setting, or undefined when unset or not an integer. */
function integer(value: string | undefined): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}

export const testSettings = {
  /** PIPEBOOK_FUZZ_REQUESTS: requests per fuzz test, for a longer run. */
  fuzzRequests: integer(process.env.PIPEBOOK_FUZZ_REQUESTS),
  /** PIPEBOOK_FUZZ_SEED: replays a fuzz run that failed (its seed is printed). */
  fuzzSeed: integer(process.env.PIPEBOOK_FUZZ_SEED),
  /** PIPEBOOK_DASK_PYTHON: the Python with `distributed` for the test Dask cluster. */
  daskPython: process.env.PIPEBOOK_DASK_PYTHON ?? "/usr/bin/python3",
  /** PIPEBOOK_E2E_PORT_BASE: where the ports of servers started by tests begin. */
  portBase: Number(process.env.PIPEBOOK_E2E_PORT_BASE ?? 4500),
  /** PIPEBOOK_TEST_TIER_LABEL: names a second run of the same tiers (scripts/test.mjs). */
  tierLabel: process.env.PIPEBOOK_TEST_TIER_LABEL || undefined,
};

/** The environment a process started by a test inherits: the test run's own. */
export function inheritedEnv(): NodeJS.ProcessEnv {
  return process.env;
}
