// Webhook triggers through the real route table (dispatch) on a real database (PGlite and
// PostgreSQL): a body of the wrong type is refused with 400 naming the field and creates
// nothing; a good one creates one run, attributed to the trigger; unknown, paused and rotated
// URLs answer 404; a body that is not JSON is refused.
import { describe, expect, it } from "vitest";
import { freshDatabase, serveFrom } from "../../test/support/database.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { dispatch } from "../api/routes.ts";
import { createTrigger, rotateTrigger, updateTrigger } from "./save-trigger.ts";

const test = freshDatabase();
serveFrom(test);

async function webhook(map: Record<string, string> = {}) {
  const { deploymentId } = await seedDeployment(
    test.db,
    {
      name: uniqueName("hooked"),
      parameters: {
        type: "object",
        properties: {
          count: { type: "integer" },
          tags: { type: "array", items: { type: "string" } },
          region: { type: "string", default: "eu" },
        },
        required: ["count"],
      },
      tasks: [{ name: "load", language: "shell", code: "echo $COUNT" }],
    },
    uniqueName("q"),
  );
  const created = await createTrigger(test.db, deploymentId, {
    name: "push",
    kind: "webhook",
    active: true,
    map,
  });
  return { deploymentId, ...created, path: created.path! };
}

function post(path: string, body: unknown, contentType = "application/json") {
  return dispatch(
    new Request(`http://127.0.0.1${path}`, {
      method: "POST",
      headers: { "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

const counts = async (deploymentId: string, triggerId: string) => ({
  runs: await test.db.flowRun.count({ where: { deploymentId } }),
  firings: await test.db.triggerFiring.count({ where: { triggerId } }),
});

describe("a webhook trigger", () => {
  it("refuses a body of the wrong type with 400 naming the field, and creates nothing", async () => {
    const { deploymentId, trigger, path } = await webhook();
    const cases: [unknown, string][] = [
      [{ count: "3" }, 'parameter "count" must be integer (got string "3")'],
      [{ count: 3, tags: ["a", 2] }, 'parameter "tags[1]" must be string (got number 2)'],
      [{ region: "us" }, 'parameter "count" is required'],
      [{ count: 3, colour: "red" }, 'parameter "colour" is not declared by the flow'],
      [[1, 2], "the body must be a JSON object (got an array)"],
    ];
    for (const [body, message] of cases) {
      const response = await post(path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
        message,
      );
    }
    const notJson = await post(path, "count=3", "application/x-www-form-urlencoded");
    expect(notJson.status).toBe(415);
    const broken = await post(path, "{count: 3");
    expect(broken.status).toBe(400);
    expect(await counts(deploymentId, trigger.id)).toEqual({ runs: 0, firings: 0 });
  });

  it("creates one run from a good body, attributed to the trigger", async () => {
    const { deploymentId, trigger, path } = await webhook();
    const response = await post(path, { count: 3, tags: ["x"] });
    expect(response.status).toBe(201);
    const { runId, runUrl } = (await response.json()) as { runId: string; runUrl: string };
    expect(runUrl).toBe(`http://127.0.0.1/runs/${runId}`);
    const run = await test.db.flowRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({
      deploymentId,
      triggerId: trigger.id,
      state: "Scheduled",
      parameters: { count: 3, tags: ["x"], region: "eu" },
    });
    const event = await test.db.auditEvent.findFirstOrThrow({
      where: { action: "run.create", targetId: runId },
    });
    expect(event).toMatchObject({ actorName: "trigger:push", actorId: null, via: "system" });
    expect(await counts(deploymentId, trigger.id)).toEqual({ runs: 1, firings: 1 });
  });

  it("reads the body through its map, and says where a refused value came from", async () => {
    const { deploymentId, trigger, path } = await webhook({
      count: "/pull_request/commits",
      region: "/repository/owner/region",
    });
    const bad = await post(path, { pull_request: { commits: "two" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'parameter "count" must be integer (got string "two") ("count" is read from the body at "/pull_request/commits")',
    );
    const good = await post(path, { pull_request: { commits: 2 }, repository: { owner: {} } });
    expect(good.status).toBe(201);
    const { runId } = (await good.json()) as { runId: string };
    const run = await test.db.flowRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.parameters).toEqual({ count: 2, region: "eu" });
    expect(await counts(deploymentId, trigger.id)).toEqual({ runs: 1, firings: 1 });
  });

  it("answers 404 to unknown, paused and rotated URLs alike", async () => {
    const { deploymentId, trigger, path } = await webhook();
    const unknown = await post(`${path}x`, { count: 1 });
    expect(unknown.status).toBe(404);
    const message = ((await unknown.json()) as { error: { message: string } }).error.message;
    await updateTrigger(test.db, trigger.id, { active: false });
    const paused = await post(path, { count: 1 });
    expect(paused.status).toBe(404);
    expect(((await paused.json()) as { error: { message: string } }).error.message).toBe(message);
    await updateTrigger(test.db, trigger.id, { active: true });
    const rotated = await rotateTrigger(test.db, trigger.id);
    expect((await post(path, { count: 1 })).status).toBe(404);
    expect((await post(rotated.path!, { count: 1 })).status).toBe(201);
    expect(await counts(deploymentId, trigger.id)).toEqual({ runs: 1, firings: 1 });
  });
});
