// When a schedule fires: its slots after an instant, for cron (cron-parser), interval (plain
// arithmetic from the anchor) and RRULE (rrule.js) schedules, in the schedule's time zone.
//
// Daylight-saving changes follow one rule for all three kinds (the unit tests hold the tables
// for Europe/Paris and America/New_York): a wall-clock time that does not exist on the day the
// clocks go forward fires once, shifted forward by the gap (02:30 → 03:30); a wall-clock time
// that happens twice when they go back fires once, at its first occurrence. cron-parser does
// this itself; RRULE times are computed as floating wall-clock times and placed in the zone by
// Luxon, which resolves both cases the same way.
import { CronExpressionParser, type CronExpression } from "cron-parser";
import { DateTime, IANAZone } from "luxon";
import { RRule, type Options as RRuleOptions } from "rrule";
import { intervalMs, type ScheduleSpec } from "../../contract/schedules.ts";
import { PipebookError } from "../errors.ts";

export type ScheduleRule = {
  /** The first `count` slots strictly after `after`, in order. */
  next(after: Date, count: number): Date[];
  /** The last `count` slots at or before `until`, in order (oldest first). */
  previous(until: Date, count: number): Date[];
  /** In words: "every 15m", "cron 0 9 * * 1-5 (Europe/Paris)". */
  description: string;
  timezone: string;
};

const DEFAULT_ANCHOR = new Date(0);
// Without a DTSTART an RRULE would start "now" and give different times on each call; a fixed
// Monday midnight makes FREQ=WEEKLY mean Mondays and FREQ=DAILY midnight.
const DEFAULT_RRULE_START = { year: 2024, month: 1, day: 1 };
// Rules under an hour iterate from their start to now (rrule.js has no jump): FREQ=MINUTELY
// from 2024 is a million steps per call. Cron and intervals serve those frequencies.
const SLOWEST_ALLOWED = [RRule.YEARLY, RRule.MONTHLY, RRule.WEEKLY, RRule.DAILY, RRule.HOURLY];

function bad(field: string, message: string): never {
  throw new PipebookError("bad_request", `schedule.${field}: ${message}`, { field });
}

function checkZone(zone: string): string {
  if (!IANAZone.isValidZone(zone)) {
    bad(
      "timezone",
      `"${zone}" is not an IANA time zone: write one like "Europe/Paris", "America/New_York" or "UTC"`,
    );
  }
  return zone;
}

function cronRule(expression: string, timezone: string): ScheduleRule {
  const fields = expression.trim().split(/\s+/);
  if (!expression.startsWith("@") && fields.length !== 5 && fields.length !== 6) {
    bad(
      "cron",
      `"${expression}" has ${fields.length} fields: write 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`,
    );
  }
  const parse = (after: Date): CronExpression => {
    try {
      return CronExpressionParser.parse(expression, { tz: timezone, currentDate: after });
    } catch (error) {
      return bad(
        "cron",
        `"${expression}" is not a valid cron expression: ${(error as Error).message}`,
      );
    }
  };
  parse(new Date());
  return {
    timezone,
    description: `cron ${expression} (${timezone})`,
    next(after, count) {
      const it = parse(after);
      const out: Date[] = [];
      while (out.length < count && it.hasNext()) out.push(it.next().toDate());
      return out;
    },
    previous(until, count) {
      // prev() is strictly before its start: start a millisecond after `until` to include it.
      const it = parse(new Date(until.getTime() + 1));
      const out: Date[] = [];
      while (out.length < count && it.hasPrev()) out.unshift(it.prev().toDate());
      return out;
    },
  };
}

function intervalRule(text: string, anchorIso: string | undefined, timezone: string): ScheduleRule {
  const every = intervalMs(text);
  if (every === null) return bad("interval", `"${text}" is not an interval`);
  const anchor = anchorIso ? new Date(anchorIso) : DEFAULT_ANCHOR;
  return {
    // Intervals are absolute; the zone only says how the preview shows the times.
    timezone,
    description: `every ${text.trim()}${anchorIso ? ` from ${anchor.toISOString()}` : ""}`,
    next(after, count) {
      const steps = Math.max(0, Math.floor((after.getTime() - anchor.getTime()) / every) + 1);
      let first = anchor.getTime() + steps * every;
      if (first <= after.getTime()) first += every;
      return Array.from({ length: count }, (_, i) => new Date(first + i * every));
    },
    previous(until, count) {
      const steps = Math.floor((until.getTime() - anchor.getTime()) / every);
      const out: Date[] = [];
      for (let k = steps; k > steps - count && k >= 0; k--)
        out.unshift(new Date(anchor.getTime() + k * every));
      return out;
    },
  };
}

/** A wall-clock time kept in a Date's UTC fields (how rrule.js computes without zones). */
const floating = (t: DateTime) =>
  new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
function placed(d: Date, zone: string): Date {
  const wall = {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
  const at = DateTime.fromObject(wall, { zone });
  // A wall-clock time that happens twice: Luxon gives the later; the rule is the first, which
  // is 1 hour earlier (30 minutes in the few zones that shift by half an hour).
  for (const minutes of [60, 30]) {
    const earlier = at.minus({ minutes });
    if (floating(earlier).getTime() === d.getTime()) return earlier.toJSDate();
  }
  return at.toJSDate();
}

function rruleRule(text: string, timezone: string): ScheduleRule {
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(text.replace(/^RRULE:/i, ""));
  } catch (error) {
    return bad("rrule", `"${text}" is not a valid RRULE: ${(error as Error).message}`);
  }
  if (options.freq === undefined) {
    bad(
      "rrule",
      /FREQ=/i.test(text)
        ? `"${text}" is not a valid RRULE: FREQ is one of YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY`
        : `"${text}" has no FREQ: add e.g. FREQ=DAILY`,
    );
  }
  if (!SLOWEST_ALLOWED.includes(options.freq!)) {
    bad(
      "rrule",
      "FREQ=MINUTELY and FREQ=SECONDLY are not supported: use a cron or an interval schedule",
    );
  }
  if (options.tzid) bad("rrule", 'give the time zone in "timezone", not as TZID in the rule');
  // A DTSTART in the text is a wall-clock time in the schedule's zone (rrule.js reads it as UTC).
  const start =
    options.dtstart ?? floating(DateTime.fromObject(DEFAULT_RRULE_START, { zone: "UTC" }));
  const rule = new RRule({ ...options, dtstart: start, tzid: null });
  return {
    timezone,
    description: `rrule ${text.trim()} (${timezone})`,
    next(after, count) {
      const out: Date[] = [];
      // A day earlier in wall-clock time covers any offset; slots at or before `after` drop out.
      let cursor = floating(DateTime.fromJSDate(after, { zone: timezone }).minus({ days: 1 }));
      while (out.length < count) {
        const slot = rule.after(cursor, false);
        if (!slot) break;
        cursor = slot;
        const at = placed(slot, timezone);
        // Two wall-clock times in a skipped hour can land on one instant: keep it once.
        if (at > after && at.getTime() !== out.at(-1)?.getTime()) out.push(at);
      }
      return out;
    },
    previous(until, count) {
      const out: Date[] = [];
      let cursor = floating(DateTime.fromJSDate(until, { zone: timezone }).plus({ days: 1 }));
      while (out.length < count) {
        const slot = rule.before(cursor, false);
        if (!slot) break;
        cursor = slot;
        const at = placed(slot, timezone);
        if (at <= until && at.getTime() !== out[0]?.getTime()) out.unshift(at);
      }
      return out;
    },
  };
}

/** The schedule's rule, or a bad_request error naming the field and how to fix it. */
export function scheduleRule(spec: ScheduleSpec): ScheduleRule {
  const zone = checkZone(spec.timezone);
  if (spec.interval !== undefined) return intervalRule(spec.interval, spec.anchor, zone);
  if (spec.cron !== undefined) return cronRule(spec.cron, zone);
  if (spec.rrule !== undefined) return rruleRule(spec.rrule, zone);
  return bad("cron", 'give one of "cron", "interval" or "rrule"');
}
