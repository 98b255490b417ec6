import { describe, expect, it } from "vitest";
import { relativeTime } from "./relative-time.ts";

describe("relative times", () => {
  const now = Date.parse("2026-01-01T12:00:00.000Z");
  it("says how long ago, or how soon, in the largest whole unit", () => {
    expect(relativeTime(now - 400, now)).toBe("now");
    expect(relativeTime(now - 3_900, now)).toBe("3 s ago");
    expect(relativeTime(now - 61_000, now)).toBe("1 min ago");
    expect(relativeTime(now - 2 * 3_600_000, now)).toBe("2 h ago");
    expect(relativeTime(now - 3 * 86_400_000, now)).toBe("3 d ago");
    expect(relativeTime(now + 5 * 60_000, now)).toBe("in 5 min");
    expect(relativeTime("2026-01-01T11:59:50.000Z", "2026-01-01T12:00:00.000Z")).toBe("10 s ago");
  });
});
