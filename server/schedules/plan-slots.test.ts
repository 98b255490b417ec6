// The catch-up policies: what a scheduler step creates after on-time steps and after downtime.
import { describe, expect, it } from "vitest";
import { ScheduleSpecSchema, type CatchupPolicy } from "../../contract/schedules.ts";
import { planSlots } from "./plan-slots.ts";
import { scheduleRule } from "./schedule-rules.ts";

const hourly = scheduleRule(ScheduleSpecSchema.parse({ cron: "0 * * * *" }));
const iso = (dates: Date[]) => dates.map((d) => d.toISOString().slice(11, 16));
const plan = (scheduledUntil: string, now: string, catchup: CatchupPolicy, catchupMax = 3) => {
  const result = planSlots(
    hourly,
    { scheduledUntil: new Date(scheduledUntil), catchup, catchupMax },
    new Date(now),
  );
  return { slots: iso(result.slots), until: result.until.toISOString().slice(11, 19) };
};

describe("planSlots", () => {
  it.each([
    // On time: only the slots within the 5-minute horizon, whatever the policy.
    [
      "on time, nothing due within the horizon",
      "2026-11-30T10:29:50Z",
      "2026-11-30T10:30:00Z",
      "skip",
      [],
      "10:29:50",
    ],
    [
      "on time, the next slot within the horizon",
      "2026-11-30T10:00:00Z",
      "2026-11-30T10:56:00Z",
      "latest",
      ["11:00"],
      "11:00:00",
    ],
    [
      "a step 20 s late is not downtime",
      "2026-11-30T10:00:00Z",
      "2026-11-30T11:00:20Z",
      "skip",
      ["11:00"],
      "11:00:00",
    ],
    // Down from 10:00 to 14:10: the slots 11:00 … 14:00 were missed.
    [
      "skip: none of the missed slots",
      "2026-11-30T10:00:00Z",
      "2026-11-30T14:10:00Z",
      "skip",
      [],
      "14:09:30",
    ],
    [
      "latest: the last missed slot only",
      "2026-11-30T10:00:00Z",
      "2026-11-30T14:10:00Z",
      "latest",
      ["14:00"],
      "14:09:30",
    ],
    [
      "all: the last catchupMax missed slots",
      "2026-11-30T10:00:00Z",
      "2026-11-30T14:10:00Z",
      "all",
      ["12:00", "13:00", "14:00"],
      "14:09:30",
    ],
    [
      "all, fewer missed than the cap",
      "2026-11-30T12:30:00Z",
      "2026-11-30T14:10:00Z",
      "all",
      ["13:00", "14:00"],
      "14:09:30",
    ],
    [
      "missed and the next one within the horizon",
      "2026-11-30T10:00:00Z",
      "2026-11-30T14:57:00Z",
      "latest",
      ["14:00", "15:00"],
      "15:00:00",
    ],
  ] as const)("%s", (_why, until, now, catchup, slots, next) => {
    expect(plan(until, now, catchup)).toEqual({ slots, until: next });
  });

  it("keeps at most 10 runs waiting for their slot, and is due again when the first one's slot comes", () => {
    const everySecond = scheduleRule(ScheduleSpecSchema.parse({ interval: "1s" }));
    const state = { catchup: "latest", catchupMax: 10 } as const;
    const now = new Date("2026-11-30T10:00:00Z");
    const first = planSlots(everySecond, { ...state, scheduledUntil: now }, now);
    expect(first.slots).toHaveLength(10);
    expect(first.until).toEqual(new Date("2026-11-30T10:00:10Z"));
    expect(first.dueAt).toEqual(new Date("2026-11-30T10:00:01Z"));
    // Half a second later nothing more may wait; one second later one more.
    const later = new Date("2026-11-30T10:00:00.500Z");
    expect(planSlots(everySecond, { ...state, scheduledUntil: first.until }, later).slots).toEqual(
      [],
    );
    const next = planSlots(everySecond, { ...state, scheduledUntil: first.until }, first.dueAt!);
    expect(next.slots).toEqual([new Date("2026-11-30T10:00:11Z")]);
  });

  it("an hourly schedule is due again 5 minutes before its next slot, not every step", () => {
    const result = planSlots(
      hourly,
      { scheduledUntil: new Date("2026-11-30T10:00:00Z"), catchup: "latest", catchupMax: 3 },
      new Date("2026-11-30T10:56:00Z"),
    );
    expect(result.slots).toEqual([new Date("2026-11-30T11:00:00Z")]);
    expect(result.dueAt).toEqual(new Date("2026-11-30T11:55:00Z"));
  });

  it("a rule that has ended is never due again", () => {
    const twice = scheduleRule(
      ScheduleSpecSchema.parse({ rrule: "DTSTART:20261201T080000\nRRULE:FREQ=DAILY;COUNT=2" }),
    );
    const result = planSlots(
      twice,
      { scheduledUntil: new Date("2026-12-01T07:58:00Z"), catchup: "latest", catchupMax: 3 },
      new Date("2026-12-02T07:58:00Z"),
    );
    // The first slot was missed (latest: caught up); the second is within the horizon.
    expect(result.slots).toEqual([
      new Date("2026-12-01T08:00:00Z"),
      new Date("2026-12-02T08:00:00Z"),
    ]);
    expect(result.dueAt).toBeNull();
  });
});
