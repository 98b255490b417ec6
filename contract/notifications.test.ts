import { describe, expect, it } from "vitest";
import { maskWebhookUrl, NotificationRuleInputSchema, webhookUrlProblem } from "./notifications.ts";

describe("webhook URLs", () => {
  it.each([
    ["https://hooks.example.com/in", null],
    ["http://127.0.0.1:9000/hook?x=1", null],
    ["ftp://example.com/x", /^ftp URLs cannot receive notifications/],
    ["mailto:ops@example.com", /^mailto URLs cannot/],
    ["hooks.example.com/in", /is not a URL/],
  ])("%s", (url, problem) => {
    const found = webhookUrlProblem(url);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });

  it.each([
    [
      "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/abcdEFGH1234ijklMNOP5678",
      "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/***",
    ],
    ["https://u:pw@example.com/a?token=t&x=1", "https://u:***@example.com/a?token=***&x=***"],
    ["http://example.com:8080/notify", "http://example.com:8080/notify"],
  ])("%s is shown as %s", (url, shown) => {
    expect(maskWebhookUrl(url)).toBe(shown);
  });
});

describe("a rule", () => {
  const base = { name: "r", url: "https://example.com/in" };
  it.each([
    [{ events: [] }, "events", /at least one event/],
    [{ events: ["failed", "failed"] }, "events", /listed twice/],
    [{ events: ["failed"], longerThanMinutes: 5 }, "events", /applies to the "longRunning" event/],
    [{ events: ["longRunning"] }, "longerThanMinutes", /needs longerThanMinutes/],
    [{ events: ["failed"], tag: "db", deploymentId: crypto.randomUUID() }, "tag", /not both/],
  ])("%j is refused at %s", (over, field, message) => {
    const result = NotificationRuleInputSchema.safeParse({ ...base, ...over });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path[0] === field);
    expect(issue?.message).toMatch(message);
  });
});
