import { describe, expect, it } from "vitest";
import { formatDurationMs } from "./duration.ts";

describe("durations", () => {
  it("reads at every scale", () => {
    expect(formatDurationMs(850)).toBe("850 ms");
    expect(formatDurationMs(1_240)).toBe("1.2 s");
    expect(formatDurationMs(184_000)).toBe("3 min 4 s");
    expect(formatDurationMs(7_500_000)).toBe("2 h 5 min");
  });
});
