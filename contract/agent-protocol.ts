// The agent protocol (../DESIGN.md "Agents"): the one contract between the server and agents.
// The server validates requests with these schemas; the agent bundle is built from this same
// module and validates every answer, so the two cannot drift. Its messages are written in
// ./agent-protocol/, one module per family; the server and the agent import them from here.
//
// agents.ts
//   POST /api/v1/agents                      register: who I am, which queues and tags
//   POST /api/v1/agents/{id}/heartbeat       renew my leases; wait for a cancel request
//   POST /api/v1/agents/{id}/stop            I am leaving: hand back what I did not start
// claims.ts
//   POST /api/v1/agents/{id}/claim           long-poll: hand me up to `capacity` runs
//   GET  /api/v1/run-context/tasks/{task}    a task's declared secrets and variables (by run token)
// reports.ts
//   POST /api/v1/flow-runs/{id}/report       a batch of events of a run I hold (by lease)
// locks.ts
//   POST /api/v1/flow-runs/{id}/lock         the versions a dependency build resolved (a lock)
// results.ts
//   POST /api/v1/flow-runs/{id}/cache             results of earlier runs for these cache keys
//   POST /api/v1/flow-runs/{id}/storage/upload    where to PUT a large result (pre-signed URL)
//   POST /api/v1/flow-runs/{id}/storage/download  where to GET a stored result (pre-signed URL)
// artifacts.ts
//   POST /api/v1/flow-runs/{id}/artifacts         record the artifacts an attempt uploaded
export * from "./agent-protocol/common.ts";
export * from "./agent-protocol/agents.ts";
export * from "./agent-protocol/claims.ts";
export * from "./agent-protocol/locks.ts";
export * from "./agent-protocol/reports.ts";
export * from "./agent-protocol/results.ts";
export * from "./agent-protocol/artifacts.ts";
