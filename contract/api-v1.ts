// The public HTTP API under /api/v1: request and answer shapes, shared by the server's
// handlers, the CLI and the OpenAPI document. Outside scripts rely on these exact shapes
// (../DESIGN.md "Public API"); fields may be added, never renamed or removed. One module per
// part of the API, in ./api-v1/.
export * from "./api-v1/common.ts";
export * from "./api-v1/flows.ts";
export * from "./api-v1/flow-runs.ts";
export * from "./api-v1/logs.ts";
export * from "./api-v1/replays.ts";
export * from "./api-v1/queues.ts";
export * from "./api-v1/api-keys.ts";
export * from "./api-v1/secrets.ts";
export * from "./api-v1/users.ts";
export * from "./api-v1/audit.ts";
export * from "./api-v1/storages.ts";
export * from "./api-v1/artifacts.ts";
export * from "./schedules.ts";
export * from "./api-v1/limits.ts";
export * from "./triggers.ts";
export * from "./notifications.ts";
export * from "./backfills.ts";
export * from "./api-v1/retention.ts";
