// The flow file contract: one schema for the studio, the CLI, the REST API and the agent.
export * from "./schema.ts";
export * from "./issues.ts";
export * from "./dag.ts";
export * from "./parse.ts";
export * from "./export.ts";
