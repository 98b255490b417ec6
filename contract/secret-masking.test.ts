import { describe, expect, it } from "vitest";
import type { ReportRequest } from "./agent-protocol.ts";
import { Masker } from "./secret-masking.ts";

const SECRET = "tok_5f3a9c1e77";
const at = "2026-11-30T12:00:00.000Z";

describe("masking a run's secrets", () => {
  it("has nothing to do without values", () => {
    expect(Masker.of([])).toBeNull();
    expect(Masker.of([""])).toBeNull();
  });

  it("masks the value in text, each line of a multi-line value, and its JSON-escaped form", () => {
    const pem = "-----BEGIN KEY-----\nMIIBVQIBADANBgkq\n-----END KEY-----";
    const quoted = 'pa"ss\\word';
    const masker = Masker.of([SECRET, pem, quoted])!;
    expect(masker.text(`token=${SECRET}; again ${SECRET}`)).toBe("token=***; again ***");
    expect(masker.text("MIIBVQIBADANBgkq")).toBe("***");
    expect(masker.text(JSON.stringify({ p: quoted }))).toBe('{"p":"***"}');
    expect(masker.text("nothing here")).toBe("nothing here");
  });

  it("masks results (strings, keys, nested values, numbers spelling it), keeping their shape", () => {
    const masker = Masker.of([SECRET, "123456"])!;
    expect(
      masker.value({ [SECRET]: [1, `x${SECRET}x`, { deep: SECRET }], pin: 123456, n: 7, ok: true }),
    ).toEqual({ "***": [1, "x***x", { deep: "***" }], pin: "***", n: 7, ok: true });
  });

  it("masks a report's log lines, messages, errors and results; untouched blocks stay as they were", () => {
    const masker = Masker.of([SECRET])!;
    const clean = {
      task: "a",
      attempt: 1,
      level: "info" as const,
      at: 0,
      offsets: [0],
      lines: ["hi"],
    };
    const report: ReportRequest = {
      leaseId: "00000000-0000-4000-8000-000000000000",
      seq: 1,
      events: [
        { type: "log", task: "a", attempt: 1, level: "info", message: `v1 ${SECRET}`, at },
        {
          type: "task",
          task: "a",
          state: "Completed",
          attempt: 1,
          at,
          result: { token: SECRET },
          message: `done with ${SECRET}`,
        },
        {
          type: "task",
          task: "b",
          state: "Failed",
          attempt: 1,
          at,
          error: { type: "ValueError", message: `bad ${SECRET}`, traceback: `line\n${SECRET}` },
        },
        {
          type: "flow",
          state: "Failed",
          at,
          message: SECRET,
          error: { type: "X", message: SECRET },
        },
      ],
      logs: [
        clean,
        {
          task: "a",
          attempt: 1,
          level: "info",
          at: 0,
          offsets: [0, 1],
          lines: ["ok", `>${SECRET}<`],
        },
      ],
    };
    const masked = masker.report(report);
    expect(JSON.stringify(masked)).not.toContain(SECRET);
    expect(masked.logs[0]).toBe(clean);
    expect(masked.logs[1]!.lines).toEqual(["ok", ">***<"]);
    expect(masked.events[1]).toMatchObject({ state: "Completed", result: { token: "***" } });
    expect(masked.events[2]).toMatchObject({
      error: { type: "ValueError", traceback: "line\n***" },
    });
    expect(masked.events[3]).toMatchObject({ state: "Failed", message: "***" });
  });

  it("costs little on a full report that holds no secret (the ingestion path)", () => {
    const masker = Masker.of([SECRET, "another-secret-value"])!;
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `2026-11-30 INFO worker-3 processed record ${i} of batch 0: status=ok`,
    );
    const report: ReportRequest = {
      leaseId: "00000000-0000-4000-8000-000000000000",
      seq: 1,
      events: [],
      logs: [{ task: "a", attempt: 1, level: "info", at: 0, offsets: lines.map(() => 0), lines }],
    };
    masker.report(report);
    const runs = 20;
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) masker.report(report);
    const ms = (performance.now() - t0) / runs;
    console.log(`masking check of a 20,000-line report with 2 secrets: ${ms.toFixed(2)} ms`);
    expect(ms).toBeLessThan(50);
  });
});
