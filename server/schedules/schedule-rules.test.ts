// When schedules fire, across both daylight-saving changes of Europe/Paris and America/New_York
// (2026: Paris 29 March 02:00→03:00 and 25 October 03:00→02:00; New York 8 March 02:00→03:00
// and 1 November 02:00→01:00), for cron (5 and 6 fields), intervals with anchors and RRULEs.
import { describe, expect, it } from "vitest";
import { ScheduleSpecSchema, type ScheduleSpecInput } from "../../contract/schedules.ts";
import { scheduleRule } from "./schedule-rules.ts";

const next = (spec: ScheduleSpecInput, after: string, count: number) =>
  scheduleRule(ScheduleSpecSchema.parse(spec))
    .next(new Date(after), count)
    .map((d) => d.toISOString().replace(".000Z", "Z"));

describe("cron", () => {
  it.each([
    {
      why: "Paris, clocks forward: 02:30 does not exist on 29 March, fires once at 03:30 CEST",
      spec: { cron: "30 2 * * *", timezone: "Europe/Paris" },
      after: "2026-03-27T12:00:00Z",
      want: ["2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"],
    },
    {
      why: "Paris, clocks back: 02:30 happens twice on 25 October, fires once (the first)",
      spec: { cron: "30 2 * * *", timezone: "Europe/Paris" },
      after: "2026-10-23T12:00:00Z",
      want: ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"],
    },
    {
      why: "Paris, hourly across clocks back: every real hour, none doubled or missed",
      spec: { cron: "0 * * * *", timezone: "Europe/Paris" },
      after: "2026-10-24T23:30:00Z",
      want: ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"],
    },
    {
      why: "New York, clocks forward: 02:00 does not exist on 8 March, fires at 03:00 EDT",
      spec: { cron: "0 2 * * *", timezone: "America/New_York" },
      after: "2026-03-07T12:00:00Z",
      want: ["2026-03-08T07:00:00Z", "2026-03-09T06:00:00Z", "2026-03-10T06:00:00Z"],
    },
    {
      why: "New York, clocks back: 01:30 happens twice on 1 November, fires once",
      spec: { cron: "30 1 * * *", timezone: "America/New_York" },
      after: "2026-10-31T12:00:00Z",
      want: ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z", "2026-11-03T06:30:00Z"],
    },
    {
      why: "weekdays at 09:00 Paris, over a weekend",
      spec: { cron: "0 9 * * 1-5", timezone: "Europe/Paris" },
      after: "2026-11-27T09:00:00Z",
      want: ["2026-11-30T08:00:00Z", "2026-12-01T08:00:00Z", "2026-12-02T08:00:00Z"],
    },
    {
      why: "6 fields: seconds first",
      spec: { cron: "*/20 * * * * *" },
      after: "2026-03-29T00:00:00Z",
      want: ["2026-03-29T00:00:20Z", "2026-03-29T00:00:40Z", "2026-03-29T00:01:00Z"],
    },
  ])("$why", ({ spec, after, want }) => {
    expect(next(spec, after, want.length)).toEqual(want);
  });
});

describe("interval", () => {
  it.each([
    {
      why: "every 15m from the default anchor: on the quarter hours",
      spec: { interval: "15m" },
      after: "2026-11-30T10:07:00Z",
      want: ["2026-11-30T10:15:00Z", "2026-11-30T10:30:00Z"],
    },
    {
      why: "a slot exactly at `after` is not after it",
      spec: { interval: "15m" },
      after: "2026-11-30T10:15:00Z",
      want: ["2026-11-30T10:30:00Z", "2026-11-30T10:45:00Z"],
    },
    {
      why: "every 2s from an anchor with an odd second",
      spec: { interval: "2s", anchor: "2026-11-30T10:00:01Z" },
      after: "2026-11-30T10:00:04Z",
      want: ["2026-11-30T10:00:05Z", "2026-11-30T10:00:07Z"],
    },
    {
      why: "an anchor in the future: its first slot is the anchor",
      spec: { interval: "1d", anchor: "2027-01-01T06:00:00+01:00" },
      after: "2026-11-30T00:00:00Z",
      want: ["2027-01-01T05:00:00Z", "2027-01-02T05:00:00Z"],
    },
    {
      why: "days are 24 hours: across Paris's clocks back the UTC time stays",
      spec: { interval: "1d", anchor: "2026-10-20T07:00:00Z", timezone: "Europe/Paris" },
      after: "2026-10-24T08:00:00Z",
      want: ["2026-10-25T07:00:00Z", "2026-10-26T07:00:00Z"],
    },
  ])("$why", ({ spec, after, want }) => {
    expect(next(spec, after, want.length)).toEqual(want);
  });
});

describe("rrule", () => {
  it.each([
    {
      why: "Mondays and Wednesdays at 09:00 Paris, across clocks back",
      spec: { rrule: "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0", timezone: "Europe/Paris" },
      after: "2026-10-20T00:00:00Z",
      want: ["2026-10-21T07:00:00Z", "2026-10-26T08:00:00Z", "2026-10-28T08:00:00Z"],
    },
    {
      why: "daily 02:30 Paris: once at 03:30 on clocks forward, once on clocks back",
      spec: { rrule: "RRULE:FREQ=DAILY;BYHOUR=2;BYMINUTE=30", timezone: "Europe/Paris" },
      after: "2026-03-28T12:00:00Z",
      want: ["2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"],
    },
    {
      why: "daily 02:30 Paris on clocks back: the first 02:30 only",
      spec: { rrule: "FREQ=DAILY;BYHOUR=2;BYMINUTE=30", timezone: "Europe/Paris" },
      after: "2026-10-24T12:00:00Z",
      want: ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"],
    },
    {
      why: "hourly New York over clocks forward: the skipped hour fires once, not twice",
      spec: { rrule: "FREQ=HOURLY;BYMINUTE=0", timezone: "America/New_York" },
      after: "2026-03-08T05:30:00Z",
      want: ["2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z", "2026-03-08T08:00:00Z"],
    },
    {
      why: "the last weekday of the month at 18:00 New York",
      spec: {
        rrule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18",
        timezone: "America/New_York",
      },
      after: "2026-10-01T00:00:00Z",
      want: ["2026-10-30T22:00:00Z", "2026-11-30T23:00:00Z"],
    },
    {
      why: "a DTSTART line is a wall-clock time in the zone; COUNT ends the rule",
      spec: {
        rrule: "DTSTART:20261201T080000\nRRULE:FREQ=DAILY;COUNT=2",
        timezone: "Europe/Paris",
      },
      after: "2026-11-30T00:00:00Z",
      want: ["2026-12-01T07:00:00Z", "2026-12-02T07:00:00Z"],
    },
  ])("$why", ({ spec, after, want }) => {
    expect(next(spec, after, want.length + 1).slice(0, want.length)).toEqual(want);
  });

  it("a rule that has ended gives no more slots", () => {
    expect(
      next(
        { rrule: "DTSTART:20261201T080000\nRRULE:FREQ=DAILY;COUNT=2", timezone: "UTC" },
        "2026-12-05T00:00:00Z",
        3,
      ),
    ).toEqual([]);
  });
});

describe("the last slots at or before an instant (for catch-up)", () => {
  const previous = (spec: ScheduleSpecInput, until: string, count: number) =>
    scheduleRule(ScheduleSpecSchema.parse(spec))
      .previous(new Date(until), count)
      .map((d) => d.toISOString().replace(".000Z", "Z"));

  it.each([
    {
      why: "cron, `until` itself included",
      spec: { cron: "0 * * * *", timezone: "Europe/Paris" },
      until: "2026-10-25T02:00:00Z",
      want: ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"],
    },
    {
      why: "interval, never before its anchor",
      spec: { interval: "10m", anchor: "2026-11-30T10:00:00Z" },
      until: "2026-11-30T10:25:00Z",
      want: ["2026-11-30T10:00:00Z", "2026-11-30T10:10:00Z", "2026-11-30T10:20:00Z"],
      count: 5,
    },
    {
      why: "rrule across Paris's clocks forward",
      spec: { rrule: "FREQ=DAILY;BYHOUR=2;BYMINUTE=30", timezone: "Europe/Paris" },
      until: "2026-03-30T12:00:00Z",
      want: ["2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"],
    },
  ])("$why", ({ spec, until, want, count }) => {
    expect(previous(spec, until, count ?? want.length)).toEqual(want);
  });
});

describe("bad schedules are refused, saying what and how to fix it", () => {
  it.each([
    [{}, 'give one of "cron", "interval" or "rrule"'],
    [{ cron: "* * * * *", interval: "5m" }, "give only one of"],
    [{ interval: "5 minutes" }, 'write a number and a unit, e.g. "30s"'],
    [{ interval: "0s" }, "from 1s to 3650d"],
    [
      { cron: "* * * * *", anchor: "2026-01-01T00:00:00Z" },
      '"anchor" applies to interval schedules only',
    ],
  ])("%j", (spec, message) => {
    const result = ScheduleSpecSchema.safeParse(spec);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.message).join("; ")).toContain(message);
  });

  it.each([
    [{ cron: "* * *" }, 'schedule.cron: "* * *" has 3 fields: write 5'],
    [{ cron: "61 * * * *" }, 'schedule.cron: "61 * * * *" is not a valid cron expression'],
    [
      { cron: "0 9 * * *", timezone: "Mars/Olympus" },
      'schedule.timezone: "Mars/Olympus" is not an IANA time zone',
    ],
    [{ rrule: "FREQ=SOMETIMES" }, 'schedule.rrule: "FREQ=SOMETIMES" is not a valid RRULE'],
    [{ rrule: "BYHOUR=9" }, "has no FREQ"],
    [{ rrule: "FREQ=MINUTELY" }, "use a cron or an interval schedule"],
  ])("%j", (spec, message) => {
    expect(() => scheduleRule(ScheduleSpecSchema.parse(spec))).toThrow(message);
  });
});
