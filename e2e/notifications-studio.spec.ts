// Notifications in the studio: a rule is added on the Notifications page for a deployment, a run
// of it fails on a real agent, and the rule's delivery log shows the message delivered to a real
// webhook; Send test adds a test message to the log.
import { startReceiver } from "../test/support/webhook-receiver.ts";
import { startAgent, stopAllAgents, waitForRun } from "./support/agents.ts";
import { deployFlow, expect, test, trigger, uniqueName } from "./support/fixtures.ts";
import { signIn } from "./support/studio.ts";

test.afterEach(stopAllAgents);

test("a rule added in the browser notifies a failed run; its delivery log shows it", async ({
  page,
  api,
  baseURL,
}) => {
  const hook = await startReceiver();
  try {
    const flow = uniqueName("alert");
    const queue = uniqueName("q");
    const deployment = await deployFlow(
      api,
      { name: flow, tasks: [{ name: "a", language: "shell", code: "exit 1" }] },
      { workQueue: queue },
    );
    await signIn(page);
    await page.getByRole("link", { name: "Notifications" }).click();
    await page.getByRole("button", { name: "New rule" }).click();
    const dialog = page.getByRole("dialog", { name: "New notification rule" });
    const name = uniqueName("ops");
    await dialog.getByLabel("Name", { exact: true }).fill(name);
    await dialog.getByLabel("Of one deployment").check();
    await dialog.getByLabel("Deployment", { exact: true }).selectOption({ label: `${flow}/e2e` });
    await expect(dialog.getByLabel("Failed", { exact: true })).toBeChecked();
    await dialog.getByLabel("Webhook URL").fill("ftp://nowhere");
    await dialog.getByRole("button", { name: "Add rule" }).click();
    await expect(dialog.getByRole("alert")).toContainText("url: ftp URLs cannot receive");
    await dialog.getByLabel("Webhook URL").fill(hook.url);
    await dialog.getByRole("button", { name: "Add rule" }).click();
    const row = page.locator(`tr[data-rule='${name}']`);
    await expect(row).toContainText(`${flow}/e2e`);
    await expect(row).toContainText("failed, crashed");

    startAgent({ apiUrl: baseURL!, queues: [queue] });
    const id = await trigger(api, deployment.id);
    expect((await waitForRun(api, id)).state).toBe("Failed");
    await hook.until(1);

    await row.getByRole("button", { name: "Delivery log" }).click();
    const log = page.getByRole("dialog", { name: `Deliveries of ${name}` });
    const delivery = log.locator("tr[data-delivery]");
    await expect(delivery).toHaveCount(1);
    await expect(delivery).toHaveAttribute("data-status", "delivered");
    await expect(delivery).toContainText("failed");
    await expect(delivery).toContainText(id.slice(0, 8));
    await expect(delivery).toContainText("204");
    await log.getByRole("button", { name: "Close" }).click();

    await row.getByRole("button", { name: "Send test" }).click();
    await expect(log.locator("tr[data-delivery][data-status='delivered']")).toHaveCount(2);
    await expect(log.locator("tr[data-delivery]").first()).toContainText("test");
    expect(hook.received.map((m) => m.body.event)).toEqual(["failed", "test"]);
  } finally {
    await hook.close();
  }
});
