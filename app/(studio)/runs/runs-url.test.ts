import { describe, expect, it } from "vitest";
import { isFiltered, listInput, parseRunsView, runsHref } from "./runs-url.ts";

const view = (href: string) => parseRunsView(new URL(href, "http://x").searchParams);

describe("the runs page's URL", () => {
  it("round-trips every filter", () => {
    const href =
      "/runs?state=Failed%2CLate&flow=orders&deployment=orders%2Fhourly&tag=etl%2Cgpu&since=24h";
    expect(view(href)).toEqual({
      states: ["Late", "Failed"],
      flow: "orders",
      deployment: "orders/hourly",
      tags: ["etl", "gpu"],
      since: "24h",
      from: undefined,
      until: undefined,
    });
    expect(view(runsHref(view(href)))).toEqual(view(href));
  });

  it("reads repeated parameters, drops unknown states and presets, keeps a custom window", () => {
    const v = view(
      "/runs?state=Failed&state=Nope&tag=a&tag=a&since=3y&from=2026-11-30T08:00:00Z&until=bad",
    );
    expect(v).toMatchObject({ states: ["Failed"], tags: ["a"], since: undefined });
    expect(v.from).toBe("2026-11-30T08:00:00.000Z");
    expect(v.until).toBeUndefined();
  });

  it("is /runs with nothing set, and says whether anything is", () => {
    expect(runsHref({})).toBe("/runs");
    expect(isFiltered(view("/runs"))).toBe(false);
    expect(isFiltered(view("/runs?since=1h"))).toBe(true);
  });

  it("asks the server for a window ending now for presets", () => {
    expect(listInput(view("/runs?since=1h&state=Late"), 100)).toEqual({
      states: ["Late"],
      flow: undefined,
      deployment: undefined,
      tags: undefined,
      sinceSeconds: 3600,
      from: undefined,
      until: undefined,
      limit: 100,
    });
  });
});
