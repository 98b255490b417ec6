// Notification rules through the real HTTP API: bad input is refused with a 400 naming the field
// and how to fix it, nothing is stored; URLs are shown with their credentials masked.
import { describe, expect, it } from "vitest";
import { freshDatabase, serveFrom } from "../../test/support/database.ts";
import { seedDeployment, uniqueName } from "../../test/support/seed.ts";
import { dispatch } from "../api/routes.ts";
import { generateApiKey, hashSecret, keyPrefix } from "../auth/secrets.ts";

const test = freshDatabase();
serveFrom(test);

async function editorKey() {
  const user = await test.db.user.create({ data: { name: uniqueName("editor"), role: "editor" } });
  const key = generateApiKey();
  await test.db.apiKey.create({
    data: { name: "k", prefix: keyPrefix(key), hash: hashSecret(key), userId: user.id },
  });
  return key;
}

// The fields these tests read of an answer: a rule, a log, or an error.
type Answer = Record<string, unknown> & { id?: string; url?: string; error: { message: string } };

async function call(method: string, path: string, key: string, body?: unknown) {
  const response = await dispatch(
    new Request(`http://127.0.0.1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer) : ({} as Answer) };
}

const good = { name: "ops", events: ["failed"], url: "https://hooks.example.com/in" };

describe("notification rules in the API", () => {
  it.each([
    [
      "an ftp URL",
      { url: "ftp://files.example.com/x" },
      /url: ftp URLs cannot receive notifications: write an http:\/\/ or https:\/\/ URL/,
    ],
    [
      "text that is no URL",
      { url: "slack channel #ops" },
      /url: "slack channel #ops" is not a URL/,
    ],
    ["a javascript: URL", { url: "javascript:alert(1)" }, /url: javascript URLs cannot receive/],
    [
      "both scopes",
      { deploymentId: crypto.randomUUID(), tag: "db" },
      /tag: give deploymentId or tag, not both/,
    ],
    [
      "longRunning without its minutes",
      { events: ["longRunning"] },
      /longerThanMinutes: the longRunning event needs longerThanMinutes/,
    ],
    [
      "an unknown event",
      { events: ["exploded"] },
      /events\.0: Invalid option: expected one of "failed"\|"crashed"/,
    ],
  ])("refuses %s with a 400 naming the field, storing nothing", async (_, over, message) => {
    const key = await editorKey();
    const before = await test.db.notificationRule.count();
    const { status, body } = await call("POST", "/api/v1/notification-rules", key, {
      ...good,
      ...over,
    });
    expect(status).toBe(400);
    expect(body.error.message).toMatch(message);
    expect(await test.db.notificationRule.count()).toBe(before);
  });

  it("refuses a deployment that does not exist, and a change that breaks the rule", async () => {
    const key = await editorKey();
    const missing = await call("POST", "/api/v1/notification-rules", key, {
      ...good,
      deploymentId: crypto.randomUUID(),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^deploymentId: there is no deployment/);
    const made = await call("POST", "/api/v1/notification-rules", key, good);
    expect(made.status).toBe(201);
    const broken = await call("PATCH", `/api/v1/notification-rules/${made.body.id}`, key, {
      events: ["longRunning"],
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/longerThanMinutes: the longRunning event needs/);
    const bad = await call("PATCH", `/api/v1/notification-rules/${made.body.id}`, key, {
      url: "file:///etc/passwd",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^invalid body: url: file URLs cannot receive/);
  });

  it("shows URLs with credentials and tokens masked, scoped rules with their deployment", async () => {
    const key = await editorKey();
    const { deploymentId, flow } = await seedDeployment(test.db);
    const made = await call("POST", "/api/v1/notification-rules", key, {
      ...good,
      deploymentId,
      events: ["failed", "longRunning"],
      longerThanMinutes: 30,
      url: "https://bot:hunter2@hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX1234abcd?token=s3cret",
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      deployment: `${flow.name}/test`,
      events: ["failed", "longRunning"],
      longerThanMinutes: 30,
      url: "https://bot:***@hooks.slack.com/services/T000/B000/***?token=***",
      createdBy: expect.stringMatching(/^editor-/),
    });
    const list = await call("GET", "/api/v1/notification-rules", key);
    expect(JSON.stringify(list.body)).not.toMatch(/hunter2|s3cret|1234abcd/);
    // Off, and still masked; the stored URL is kept whole (the sender needs it).
    const off = await call("PATCH", `/api/v1/notification-rules/${made.body.id}`, key, {
      active: false,
    });
    expect(off.body).toMatchObject({ active: false, url: made.body.url });
    const stored = await test.db.notificationRule.findUniqueOrThrow({
      where: { id: made.body.id },
    });
    expect(stored.url).toContain("hunter2");
    const log = await call("GET", `/api/v1/notification-rules/${made.body.id}/deliveries`, key);
    expect(log).toEqual({ status: 200, body: { deliveries: [], next: null } });
    const gone = await call("DELETE", `/api/v1/notification-rules/${made.body.id}`, key);
    expect(gone.status).toBe(204);
    expect(
      (await call("GET", `/api/v1/notification-rules/${made.body.id}/deliveries`, key)).status,
    ).toBe(404);
  });
});
