import { describe, expect, it } from "vitest";
import { table } from "./table.ts";
import { parseTimeArg } from "./time-arg.ts";

describe("times on the command line", () => {
  const now = new Date("2026-11-30T12:00:00Z");

  it("reads spans back from now and dates", () => {
    expect(parseTimeArg("24h", "--since", now).toISOString()).toBe("2026-11-29T12:00:00.000Z");
    expect(parseTimeArg("7d", "--since", now).toISOString()).toBe("2026-11-23T12:00:00.000Z");
    expect(parseTimeArg("30m", "--since", now).toISOString()).toBe("2026-11-30T11:30:00.000Z");
    expect(parseTimeArg("2026-11-01T08:00:00Z", "--until", now).toISOString()).toBe(
      "2026-11-01T08:00:00.000Z",
    );
    expect(parseTimeArg("2026-11-01", "--until", now).toISOString()).toBe(
      "2026-11-01T00:00:00.000Z",
    );
  });

  it("refuses anything else, naming the option and what it takes", () => {
    expect(() => parseTimeArg("yesterday", "--since", now)).toThrow(
      '--since takes a span back from now (30m, 24h, 7d, 2w) or a date/time (2026-11-30, 2026-11-30T08:00); got "yesterday"',
    );
    expect(() => parseTimeArg("24x", "--until", now)).toThrow(/^--until takes/);
  });
});

describe("tables", () => {
  it("aligns columns under their headers", () => {
    expect(
      table(
        ["STATE", "RUN"],
        [
          ["Completed", "a1"],
          ["Late", "b2"],
        ],
      ),
    ).toBe("STATE      RUN\nCompleted  a1\nLate       b2");
  });
});
