// Inputs the database cannot take — a NUL character, a number past PostgreSQL's integer, a
// cursor this server never gave, a date of year 0 — are the caller's mistake: every procedure
// that takes names, numbers, cursors or dates refuses them as BAD_REQUEST with a message that
// says which field, as /api/v1 does. An unexpected failure tells the caller nothing internal.
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { principalOf, seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { getConfig } from "../config.ts";
import { INTERNAL_MESSAGE } from "./init.ts";
import { appRouter } from "./root.ts";

const test = freshDatabase();
const NUL = "a\u0000b";
const TOO_BIG = 2 ** 53;
const PAST_INT = 2 ** 31;
const YEAR_0 = "0000-01-01T00:00:00Z";

let call: ReturnType<typeof appRouter.createCaller>;
let flow: string;
let deploymentId: string;
let runId: string;

beforeAll(async () => {
  const user = await test.db.user.create({ data: { name: uniqueName("user") } });
  call = appRouter.createCaller({
    db: test.db,
    config: getConfig(),
    principal: principalOf("editor", user),
  });
  const seeded = await seedDeployment(test.db);
  flow = seeded.flow.name;
  deploymentId = seeded.deploymentId;
  runId = (await call.runs.create({ deploymentId })).id;
});

/** Runs a query, a mutation or the first step of a subscription. */
async function settle(result: Promise<unknown>): Promise<unknown> {
  const value = await result;
  if (value && typeof value === "object" && Symbol.asyncIterator in value) {
    for await (const first of value as AsyncIterable<unknown>) return first;
  }
  return value;
}

// procedure, input, what the message must name
const CASES: [string, () => Promise<unknown>, RegExp][] = [
  // NUL characters, in every procedure that takes a name, an id or text
  ["flows.get", () => call.flows.get({ name: NUL }), /name holds a NUL character/],
  ["flows.versions", () => call.flows.versions({ name: NUL }), /name holds a NUL/],
  ["flows.create", () => call.flows.create({ name: NUL }), /name holds a NUL/],
  ["flows.rename", () => call.flows.rename({ name: flow, newName: NUL }), /newName holds a NUL/],
  ["flows.delete", () => call.flows.delete({ name: NUL }), /name holds a NUL/],
  ["flows.export", () => call.flows.export({ name: NUL, format: "json" }), /name holds a NUL/],
  ["flows.save", () => call.flows.save({ flow: { name: NUL } }), /flow\.name holds a NUL/],
  ["flows.import", () => call.flows.import({ text: `name: "${NUL}"` }), /text holds a NUL/],
  ["deployments.list", () => call.deployments.list({ flow: NUL }), /flow holds a NUL/],
  ["deployments.create", () => call.deployments.create({ flow: NUL, name: "d" }), /flow holds/],
  ["runs.list flow", () => call.runs.list({ flow: NUL }), /flow holds a NUL/],
  ["runs.get", () => call.runs.get({ id: NUL }), /id holds a NUL/],
  ["runs.create", () => call.runs.create({ deploymentId, parameters: { n: NUL } }), /n holds/],
  ["runs.cancel", () => call.runs.cancel({ id: NUL }), /id holds a NUL/],
  [
    "runs.replayPlan",
    () => call.runs.replayPlan({ id: runId, kind: "fromTask", task: NUL }),
    /task holds/,
  ],
  ["runPage.get", () => call.runPage.get({ id: NUL }), /id holds a NUL/],
  ["runPage.task", () => call.runPage.task({ id: runId, task: NUL }), /task holds a NUL/],
  ["runPage.taskResult", () => call.runPage.taskResult({ id: runId, task: NUL }), /task holds/],
  ["logs.search q", () => call.logs.search({ runId, q: NUL }), /q holds a NUL/],
  ["logs.tail task", () => call.logs.tail({ runId, task: NUL }), /task holds a NUL/],
  ["queues.preview", () => call.queues.preview({ name: NUL }), /name holds a NUL/],
  ["queues.pause", () => call.queues.pause({ name: NUL }), /name holds a NUL/],
  ["queues.resume", () => call.queues.resume({ name: NUL }), /name holds a NUL/],
  // integers past what the database holds
  ["flows.get version 2^53", () => call.flows.get({ name: flow, version: TOO_BIG }), /version/],
  [
    "flows.get version 2^31",
    () => call.flows.get({ name: flow, version: PAST_INT }),
    /version: a flow version is at most 2147483647/,
  ],
  [
    "flows.export version",
    () => call.flows.export({ name: flow, version: PAST_INT, format: "yaml" }),
    /version/,
  ],
  [
    "runs.runCell version",
    () => call.runs.runCell({ flow, version: TOO_BIG, task: "extract" }),
    /version/,
  ],
  ["runs.list sinceSeconds", () => call.runs.list({ sinceSeconds: 2 ** 53 - 1 }), /sinceSeconds/],
  ["logs.window", () => call.logs.window({ runId, from: PAST_INT, to: PAST_INT + 5 }), /from/],
  ["logs.search after", () => call.logs.search({ runId, after: 2 ** 53 - 1 }), /after/],
  ["logs.search before", () => call.logs.search({ runId, before: PAST_INT }), /before/],
  // cursors this server never gave
  [
    "runs.list cursor",
    () => call.runs.list({ cursor: "garbage" }),
    /cursor is not one this server gave/,
  ],
  [
    "runPage.live cursor",
    () => call.runPage.live({ id: runId, cursor: "garbage" }),
    /cursor: the cursor is not one this server gave/,
  ],
  [
    "runPage.live cursor past bigint",
    () => call.runPage.live({ id: runId, cursor: "9999999999999999999.0" }),
    /cursor is not one/,
  ],
  [
    "runPage.live lastEventId",
    () => call.runPage.live({ id: runId, cursor: "0.0", lastEventId: "garbage" }),
    /lastEventId/,
  ],
  // dates PostgreSQL cannot take
  [
    "runs.list from",
    () => call.runs.list({ from: YEAR_0 }),
    /from: a time must fall in the years 1 to 9999/,
  ],
  [
    "runs.list until",
    () => call.runs.list({ until: YEAR_0 }),
    /until: a time must fall in the years 1 to 9999/,
  ],
  [
    "runs.list until +offset",
    () => call.runs.list({ until: "0001-01-01T00:30:00+01:00" }),
    /until/,
  ],
];

describe("tRPC refuses inputs the database cannot take, as REST does", () => {
  it.each(CASES)("%s: BAD_REQUEST naming the field", async (_name, run, message) => {
    const error = await settle(run()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(message) });
    // The message is a sentence for people, not Prisma's text or zod's JSON.
    expect((error as Error).message).not.toMatch(/prisma|invocation|\[\s*\{|"code"/i);
  });

  it("a malformed run id is not found, not a database error", async () => {
    await expect(call.runPage.get({ id: "garbage" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("an unexpected failure", () => {
  it("reaches the caller as INTERNAL_SERVER_ERROR with a generic message; the log has the cause", async () => {
    // A session whose user id is no UUID: the write fails inside PostgreSQL, and Prisma's
    // message quotes the statement.
    const broken = appRouter.createCaller({
      db: test.db,
      config: getConfig(),
      principal: principalOf("editor", { id: "no-uuid", name: "u" }),
    });
    const logged: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args.map(String).join(" "));
    try {
      await expect(broken.flows.create({ name: uniqueName("flow") })).rejects.toMatchObject({
        code: "INTERNAL_SERVER_ERROR",
        message: INTERNAL_MESSAGE,
      });
    } finally {
      console.error = original;
    }
    expect(logged.join("\n")).toMatch(/tRPC flows\.create failed[\s\S]*uuid/i);
  });
});
