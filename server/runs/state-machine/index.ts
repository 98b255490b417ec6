// The run state machine's enforcement: the only module that writes a flow run's or task run's
// state (or the lease that guards it). The transition table itself is contract/run-states.ts.
export * from "./flow-runs.ts";
export * from "./task-runs.ts";
export * from "./leases.ts";
export * from "./lease-expiry.ts";
export * from "./flow-retry.ts";
export * from "./report-batch.ts";
export * from "./late-logs.ts";
export * from "./claim-within-limits.ts";
