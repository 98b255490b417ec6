// Notifications against a real database (PGlite and PostgreSQL) and a real HTTP receiver: a run's
// event is notified once however often it is seen; a receiver that is down gets the message once
// it is back, exactly once; two senders never send one delivery twice; a long run is reported
// once; a tag scopes a rule; a secret never leaves in a message.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { NotificationRuleInputSchema } from "../../contract/notifications.ts";
import type { FlowRunState } from "../../contract/run-states.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, seedRunIn, uniqueName } from "../../test/support/seed.ts";
import { startReceiver, type Receiver } from "../../test/support/webhook-receiver.ts";
import { publish } from "../events/bus.ts";
import { transitionFlowRun } from "../runs/state-machine/index.ts";
import { getSecretKey } from "../secrets/secret-key.ts";
import { setSecret } from "../secrets/set-secret.ts";
import { startNotifier } from "../services/notifier.ts";
import { LEASE_MS, claimDueDeliveries } from "./claim-deliveries.ts";
import { listDeliveries, retryDelivery, sendTestMessage } from "./deliveries.ts";
import { deliverDue } from "./deliver-due.ts";
import { enqueueForRun, sweepDeliveries } from "./enqueue-deliveries.ts";
import { createRule, updateRule } from "./save-rule.ts";

const test = freshDatabase();
const BASE = "http://pipebook.test";
const receivers: Receiver[] = [];
// Every test flow's task declares this secret (deploying needs it to exist).
const SECRET_VALUE = `tok-${uniqueName("s")}-value`;
beforeAll(async () => {
  await setSecret(test.db, getSecretKey(), { name: "NOTIFY_TOKEN", value: SECRET_VALUE });
});
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver() {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

async function deployment(tags: string[] = []) {
  const { deploymentId, flow } = await seedDeployment(
    test.db,
    {
      name: uniqueName("notify"),
      tasks: [{ name: "load", language: "shell", code: "true", secrets: ["NOTIFY_TOKEN"] }],
    },
    uniqueName("q"),
  );
  if (tags.length) await test.db.deployment.update({ where: { id: deploymentId }, data: { tags } });
  return { deploymentId, flow: flow.name };
}

const rule = (input: Record<string, unknown>) =>
  createRule(test.db, NotificationRuleInputSchema.parse({ name: uniqueName("rule"), ...input }));

const run = (deploymentId: string, state: FlowRunState, message?: string) =>
  seedRunIn(test.db, deploymentId, state, { message });

async function cancelledWhileRunning(deploymentId: string) {
  const id = await run(deploymentId, "Cancelling");
  await transitionFlowRun(test.db, { id, from: ["Cancelling"], to: "Cancelled" });
  return id;
}

const deliveriesOf = (ruleId: string) =>
  test.db.notificationDelivery.findMany({ where: { ruleId }, orderBy: { createdAt: "asc" } });

/** Sends what is due until nothing is (what the sender does between its waits). */
async function drain(now?: Date) {
  while ((await deliverDue(test.db, now)) > 0);
}

describe("notifications", () => {
  it("a failed run is notified once, however many times its end is seen", async () => {
    const hook = await receiver();
    const { deploymentId, flow } = await deployment();
    const r = await rule({ deploymentId, events: ["failed"], url: hook.url });
    const id = await run(deploymentId, "Failed", "Task load failed: exit code 3");
    // The event on two replicas, and two sweeps.
    await Promise.all([
      enqueueForRun(test.db, id, { baseUrl: BASE }),
      enqueueForRun(test.db, id, { baseUrl: BASE }),
    ]);
    await sweepDeliveries(test.db, { baseUrl: BASE });
    await sweepDeliveries(test.db, { baseUrl: BASE });
    await drain();
    expect(hook.received).toHaveLength(1);
    const { body, headers } = hook.received[0]!;
    expect(body.text).toBe(
      `❌ Run ${id.slice(0, 8)} of ${flow}/test failed: Task load failed: exit code 3 ${BASE}/runs/${id}`,
    );
    expect(body).toMatchObject({
      event: "failed",
      run: { id, url: `${BASE}/runs/${id}`, flow, deployment: "test", state: "Failed" },
      rule: { id: r.id, name: r.name },
    });
    expect(headers["x-pipebook-delivery"]).toBe(body.deliveryId);
    const [delivery] = await deliveriesOf(r.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 1, lastStatus: 204 });
    // A completed run is not this rule's business.
    await enqueueForRun(test.db, await run(deploymentId, "Completed"), { baseUrl: BASE });
    expect(await deliveriesOf(r.id)).toHaveLength(1);
  });

  it("a receiver down for 10 s (503, then refusing connections) gets the message once it is back, exactly once", async () => {
    const hook = await receiver();
    const { deploymentId } = await deployment();
    const r = await rule({ deploymentId, events: ["failed", "crashed"], url: hook.url });
    const notifier = startNotifier(test.handle, { baseUrl: () => BASE });
    try {
      hook.failWith = 503;
      const started = Date.now();
      const id = await run(deploymentId, "Crashed", "the agent stopped answering");
      publish("run-ended", id);
      // Down: first answering 503, then not even accepting connections; back after 10 s.
      const outage = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 4000));
        await hook.down();
        await new Promise((resolve) => setTimeout(resolve, 6000));
        hook.failWith = null;
        await hook.up();
      })();
      await hook.until(1);
      await outage;
      // Stopping waits for the send in hand to be recorded.
      await notifier.stop();
      expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
      expect(hook.refusedRequests).toBeGreaterThanOrEqual(2);
      const [delivery, ...others] = await deliveriesOf(r.id);
      expect(others).toHaveLength(0);
      expect(delivery!.status).toBe("delivered");
      expect(delivery!.attempts).toBeGreaterThan(hook.refusedRequests);
      expect(delivery!.lastError).toBeNull();
      // Nothing more is due, and the next sweep makes nothing new: it stays one message.
      await sweepDeliveries(test.db, { baseUrl: BASE });
      await drain();
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]!.body.event).toBe("crashed");
    } finally {
      await notifier.stop();
    }
  });

  it("two senders never send the same delivery twice; a sender that died is taken over after its lease", async () => {
    const hook = await receiver();
    const { deploymentId } = await deployment();
    const r = await rule({ deploymentId, events: ["completed"], url: hook.url });
    for (let i = 0; i < 40; i++) {
      await enqueueForRun(test.db, await run(deploymentId, "Completed"), { baseUrl: BASE });
    }
    while ((await Promise.all([deliverDue(test.db), deliverDue(test.db)])).some((n) => n > 0));
    const ids = hook.received.map((m) => m.body.deliveryId);
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);

    // A sender claims one and dies before sending: nobody takes it while its lease holds…
    const now = new Date();
    await enqueueForRun(test.db, await run(deploymentId, "Completed"), { baseUrl: BASE, now });
    const [claimed] = await claimDueDeliveries(test.db, now, 1);
    expect(claimed).toBeDefined();
    expect(await deliverDue(test.db, new Date(now.getTime() + LEASE_MS - 1000))).toBe(0);
    // …and after it, another sender sends it, once.
    expect(await deliverDue(test.db, new Date(now.getTime() + LEASE_MS + 1000))).toBe(1);
    expect(hook.received).toHaveLength(41);
    const taken = await test.db.notificationDelivery.findUniqueOrThrow({
      where: { id: claimed!.id },
    });
    expect(taken).toMatchObject({ status: "delivered", attempts: 2 });
    expect(await deliveriesOf(r.id)).toHaveLength(41);
  });

  it("a run longer than longerThanMinutes is reported once, while it runs", async () => {
    const hook = await receiver();
    const { deploymentId } = await deployment();
    const r = await rule({
      deploymentId,
      events: ["longRunning"],
      longerThanMinutes: 2,
      url: hook.url,
    });
    const id = await run(deploymentId, "Running");
    const minutes = (m: number) => new Date(Date.now() + m * 60_000);
    expect(await sweepDeliveries(test.db, { baseUrl: BASE, now: minutes(1) })).toBe(0);
    expect(await sweepDeliveries(test.db, { baseUrl: BASE, now: minutes(3) })).toBe(1);
    expect(await sweepDeliveries(test.db, { baseUrl: BASE, now: minutes(4) })).toBe(0);
    await drain(minutes(4));
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.body.text).toMatch(
      new RegExp(
        `^⏳ Run ${id.slice(0, 8)} of .* has been running for 3 min \\d+ s \\(longer than 2 min\\)`,
      ),
    );
    expect(await deliveriesOf(r.id)).toHaveLength(1);
  });

  it("a tag scopes a rule to the runs of deployments carrying it", async () => {
    const hook = await receiver();
    const tagged = await deployment(["db"]);
    const other = await deployment(["web"]);
    const r = await rule({ tag: "db", events: ["completed", "cancelled"], url: hook.url });
    const mine = await cancelledWhileRunning(tagged.deploymentId);
    const theirs = await cancelledWhileRunning(other.deploymentId);
    // Cancelled before it started: nothing to say.
    const queued = await run(tagged.deploymentId, "Cancelled");
    for (const id of [mine, theirs, queued]) await enqueueForRun(test.db, id, { baseUrl: BASE });
    await sweepDeliveries(test.db, { baseUrl: BASE });
    const deliveries = await deliveriesOf(r.id);
    expect(deliveries.map((d) => [d.flowRunId, d.event])).toEqual([[mine, "cancelled"]]);
    // Moved to the other tag: the other deployment's next run is its business.
    await updateRule(test.db, r.id, { tag: "web" });
    const next = await run(other.deploymentId, "Completed");
    await enqueueForRun(test.db, next, { baseUrl: BASE });
    expect((await deliveriesOf(r.id)).map((d) => d.flowRunId)).toEqual([mine, next]);
  });

  it("a message never carries a secret's value", async () => {
    const hook = await receiver();
    const value = SECRET_VALUE;
    const { deploymentId } = await deployment();
    await rule({ deploymentId, events: ["failed"], url: hook.url });
    const id = await run(deploymentId, "Failed", `could not log in with ${value}`);
    await enqueueForRun(test.db, id, { baseUrl: BASE });
    await drain();
    expect(JSON.stringify(hook.received[0]!.body)).not.toContain(value);
    expect(hook.received[0]!.body.text).toContain("could not log in with ***");
  });

  it("a test message, a failed delivery shown in the log with its error, and Retry", async () => {
    const hook = await receiver();
    const { deploymentId } = await deployment();
    const r = await rule({ deploymentId, events: ["failed"], url: hook.url });
    hook.failWith = 500;
    const test1 = await sendTestMessage(test.db, r.id, { baseUrl: BASE });
    await drain();
    // Give up at once (as after a day), to see a failed delivery retried by hand.
    await test.db.notificationDelivery.update({
      where: { id: test1.id },
      data: { status: "failed" },
    });
    const log = await listDeliveries(test.db, r.id, { limit: 10 });
    expect(log.deliveries[0]).toMatchObject({
      id: test1.id,
      event: "test",
      status: "failed",
      attempts: 1,
      lastStatus: 500,
      lastError:
        "the receiver answered 500 Internal Server Error: the receiver is down for maintenance",
    });
    hook.failWith = null;
    expect(await retryDelivery(test.db, test1.id)).toMatchObject({ status: "pending" });
    await drain();
    expect(hook.received.map((m) => m.body.event)).toEqual(["test"]);
    await expect(retryDelivery(test.db, test1.id)).rejects.toThrow(
      /is delivered: only a failed or pending delivery can be retried/,
    );
  });
});
