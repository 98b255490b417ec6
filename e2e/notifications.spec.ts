// Notifications through the CLI and the API, on both databases: a rule added with
// `pipebook notify add` posts one Slack-compatible message to a real webhook when a run of its
// deployment fails on a real agent; the log shows it delivered; a bad URL is refused by field.
import { startReceiver } from "../test/support/webhook-receiver.ts";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { pipebook } from "./support/cli.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";

test.afterEach(stopAllAgents);

test("a failing run posts one message to the rule's webhook; the log shows it delivered", async ({
  api,
  baseURL,
}) => {
  const hook = await startReceiver();
  try {
    const flow = uniqueName("notify");
    const queue = uniqueName("q");
    const deployment = await deployFlow(
      api,
      {
        name: flow,
        tasks: [{ name: "load", language: "shell", code: "echo no table >&2; exit 3" }],
      },
      { workQueue: queue },
    );
    const added = await pipebook(baseURL!, [
      "notify",
      "add",
      "--deployment",
      `${flow}/e2e`,
      "--on",
      "failed",
      "--url",
      hook.url,
      "--json",
    ]);
    expect(added.stderr).toBe("");
    const rule = JSON.parse(added.stdout) as { id: string; deployment: string };
    expect(rule.deployment).toBe(`${flow}/e2e`);

    startAgent({ apiUrl: baseURL!, queues: [queue] });
    const id = await trigger(api, deployment.id);
    expect((await waitForRun(api, id)).state).toBe("Failed");
    await hook.until(1);
    const { body } = hook.received[0]!;
    expect(body.text).toMatch(
      new RegExp(`^❌ Run ${id.slice(0, 8)} of ${flow}/e2e failed: .*${baseURL}/runs/${id}$`),
    );
    expect(body).toMatchObject({ event: "failed", run: { id, state: "Failed" } });

    await expect
      .poll(async () => (await pipebook(baseURL!, ["notify", "log", rule.id])).stdout)
      .toMatch(/failed\s+\S+\s+delivered\s+1\s+204/);
    const listed = await pipebook(baseURL!, ["notify", "ls"]);
    expect(listed.stdout).toContain(rule.id);
    expect(hook.received).toHaveLength(1);

    const removed = await pipebook(baseURL!, ["notify", "rm", rule.id]);
    expect(removed.stdout).toContain(`Removed notification rule ${rule.id}`);
  } finally {
    await hook.close();
  }
});

test("a bad webhook URL is refused with the field named", async ({ api, baseURL }) => {
  const bad = await pipebook(baseURL!, ["notify", "add", "--url", "ftp://files.example.com/in"]);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toContain("url: ftp URLs cannot receive notifications");
  const response = await api.post("/api/v1/notification-rules", {
    data: { name: "x", events: ["longRunning"], url: "https://hooks.example.com/x" },
  });
  expect(response.status()).toBe(400);
  expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
    "longerThanMinutes: the longRunning event needs longerThanMinutes",
  );
});
