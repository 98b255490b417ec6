import { describe, expect, it } from "vitest";
import { fit, pan, ticks, zoom } from "./timeline-scale";

describe("the timeline's scale", () => {
  it("puts round ticks inside the span", () => {
    const t0 = Date.UTC(2026, 10, 30, 12, 0, 0);
    const out = ticks({ start: t0 + 300, end: t0 + 10_300 }, 6);
    const local = (ms: number) => {
      const d = new Date(t0 + ms);
      const two = (n: number) => String(n).padStart(2, "0");
      return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
    };
    expect(out.map((t) => t.label)).toEqual([2, 4, 6, 8, 10].map((s) => local(s * 1000)));
    expect(ticks({ start: t0, end: t0 + 50 }, 6)[1]).toEqual({ at: t0 + 10, label: "00.010" });
  });

  it("zooms around an anchor and pans by a fraction", () => {
    expect(zoom({ start: 0, end: 1_000 }, 0.5, 0.5)).toEqual({ start: 250, end: 750 });
    expect(zoom({ start: 0, end: 1_000 }, 0.5, 0)).toEqual({ start: 0, end: 500 });
    expect(zoom({ start: 0, end: 100 }, 0.01, 0.5, 10)).toEqual({ start: 45, end: 55 });
    expect(pan({ start: 0, end: 1_000 }, -0.25)).toEqual({ start: -250, end: 750 });
  });

  it("fits a run with a margin", () => {
    expect(fit(0, 10_000)).toEqual({ start: -200, end: 11_000 });
  });
});
