// The bus between replicas: one message in flight at a time, events published meanwhile sent
// together (each once) in the next; a received message wakes this replica's listeners unless it
// came from itself. The transport here is a function standing in for NOTIFY; the real one is
// exercised by the end-to-end tests with two replicas on PostgreSQL.
import { describe, expect, it } from "vitest";
import { connectRemote, publish, subscribe } from "./bus.ts";

describe("events between replicas", () => {
  it("sends the first event at once and those published while it is on its way together", async () => {
    const sent: { origin: string; events: [string, string][] }[] = [];
    const inFlight: (() => void)[] = [];
    connectRemote(async (message) => {
      sent.push(JSON.parse(message) as (typeof sent)[number]);
      await new Promise<void>((resolve) => inFlight.push(resolve));
    });
    publish("run-changed", "r1");
    expect(sent.map((m) => m.events)).toEqual([[["run-changed", "r1"]]]);
    publish("run-changed", "r2");
    publish("run-ended", "r2");
    publish("run-changed", "r2");
    expect(sent).toHaveLength(1);
    inFlight.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent.map((m) => m.events)).toEqual([
      [["run-changed", "r1"]],
      [
        ["run-changed", "r2"],
        ["run-ended", "r2"],
      ],
    ]);
    inFlight.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    // Many events at once: split below NOTIFY's 8,000-byte payload limit, none lost.
    const ids = Array.from({ length: 300 }, (_, i) => `${"x".repeat(60)}-${i}`);
    for (const id of ids) publish("run-changed", id);
    for (let i = 0; i < 10 && inFlight.length; i++) {
      inFlight.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const later = sent.slice(2);
    expect(later.length).toBeGreaterThan(2);
    for (const message of later) expect(JSON.stringify(message).length).toBeLessThan(8_000);
    expect(later.flatMap((m) => m.events.map(([, id]) => id))).toEqual(ids);
  });

  it("wakes this replica's listeners for another replica's events, in both message forms", () => {
    const receive = connectRemote(async () => undefined);
    const seen: string[] = [];
    const stop = subscribe("run-queued", (queue) => seen.push(queue));
    receive(JSON.stringify({ origin: "other", events: [["run-queued", "a"], ["run-queued", "b"]] })); // prettier-ignore
    // A replica of an older release sends one event per message (a rolling upgrade).
    receive(JSON.stringify({ origin: "other", topic: "run-queued", payload: "c" }));
    receive("not json");
    expect(seen).toEqual(["a", "b", "c"]);
    stop();
  });

  it("ignores its own messages when they come back", () => {
    let own = "";
    const receive = connectRemote(async (message) => {
      own = message;
    });
    const seen: string[] = [];
    const stop = subscribe("run-ended", (id) => seen.push(id));
    publish("run-ended", "r9");
    expect(seen).toEqual(["r9"]);
    expect((JSON.parse(own) as { events: unknown }).events).toEqual([["run-ended", "r9"]]);
    receive(own);
    expect(seen).toEqual(["r9"]);
    stop();
  });
});
