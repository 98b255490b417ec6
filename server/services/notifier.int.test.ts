// The notifier's event path against a real database (PGlite and PostgreSQL): a run's end passed
// over while "no rule exists" was remembered (run-end-watchers.ts) — a rule saved just then, its
// announcement lost — is looked at again by the next sweep, also when it was scheduled days ago
// and the sweep's own window (runs scheduled in the last two days) would never see it.
import { describe, expect, it } from "vitest";
import { freshDatabase } from "../../test/support/database.ts";
import { seedDeployment, seedRunIn, uniqueName } from "../../test/support/seed.ts";
import { publish, waitFor } from "../events/bus.ts";
import { sweepDeliveries } from "../notifications/enqueue-deliveries.ts";
import { runEndWatchers } from "../runs/run-end-watchers.ts";
import { startNotifier } from "./notifier.ts";

const test = freshDatabase();
const BASE = "http://pipebook.test";
const DAY_MS = 86_400_000;

describe("the notifier", () => {
  it("notifies a run passed over while no rule was known, at the next sweep", async () => {
    const { deploymentId } = await seedDeployment(
      test.db,
      { name: uniqueName("n"), tasks: [{ name: "a", language: "shell", code: "false" }] },
      uniqueName("q"),
    );
    // Scheduled three days ago, its end recorded a minute from now (after the rule below).
    const id = await seedRunIn(test.db, deploymentId, "Failed", {
      scheduledAt: new Date(Date.now() - 3 * DAY_MS),
      ranMs: 3 * DAY_MS + 60_000,
    });
    const notifier = startNotifier(test.handle, { baseUrl: () => BASE });
    try {
      // Remembered now; the steps up to the run's end take milliseconds of its 5 s to live.
      expect((await runEndWatchers(test.db)).rules).toBe(false);
      // Saved behind the remembered answer's back, as when its announcement is lost.
      const rule = await test.db.notificationRule.create({
        data: {
          name: uniqueName("r"),
          deploymentId,
          events: ["failed"],
          url: "http://127.0.0.1:9/",
        },
      });
      expect((await runEndWatchers(test.db)).rules).toBe(false);
      // The sweep's own window does not reach a run scheduled three days ago.
      expect(await sweepDeliveries(test.db, { baseUrl: BASE })).toBe(0);
      const rechecked = waitFor("notification-queued", (what) => what === "recheck", {
        timeoutMs: 30_000,
      });
      publish("run-ended", id);
      expect(await rechecked.promise).toBe("recheck");
      const deliveries = await test.db.notificationDelivery.findMany({
        where: { ruleId: rule.id },
        select: { flowRunId: true, event: true },
      });
      expect(deliveries).toEqual([{ flowRunId: id, event: "failed" }]);
    } finally {
      await notifier.stop();
    }
  });
});
