import { describe, expect, it } from "vitest";
import type { ReportRequest, ReportResponse } from "../../contract/agent-protocol.ts";
import type { AgentApi, Result } from "../http/client.ts";
import { RunReporter } from "./run-reporter.ts";

type Answer = Result<ReportResponse>;
const applied: Answer = { ok: true, data: { applied: true, cancel: false } };
const conflict: Answer = {
  ok: false,
  status: 409,
  code: "conflict",
  error: "the run changed while the report was applied; send it again",
  retryable: false,
};

/** A server that answers each report with the next of `answers` (the last one for the rest). */
function scriptedServer(answers: Answer[]) {
  const received: ReportRequest[] = [];
  const api = {
    report: async (_run: string, report: ReportRequest) => {
      received.push(structuredClone(report));
      return answers[Math.min(received.length - 1, answers.length - 1)]!;
    },
  } as unknown as AgentApi;
  return { api, received };
}

function reporter(api: AgentApi) {
  const warnings: string[] = [];
  const lost: string[] = [];
  const r = new RunReporter(api, "run-1", "lease-1", {
    onCancel: () => undefined,
    onLeaseLost: (m) => lost.push(m),
    onWarning: (m) => warnings.push(m),
  });
  return { r, warnings, lost };
}

const line = (n: number) =>
  ({
    type: "log",
    task: "t",
    attempt: 1,
    level: "info",
    message: `line ${n}`,
    at: new Date(1_700_000_000_000 + n).toISOString(),
  }) as const;

const linesOf = (reports: ReportRequest[]) =>
  reports.flatMap((report) => report.logs?.flatMap((block) => block.lines) ?? []);

describe("RunReporter", () => {
  it("sends a batch the server refused with a conflict again, with the same number", async () => {
    const server = scriptedServer([conflict, conflict, applied]);
    const { r, warnings } = reporter(server.api);
    r.push(line(0));
    r.push(line(1));
    await r.flushed();
    expect(server.received.map((report) => report.seq)).toEqual([1, 1, 1]);
    expect(linesOf(server.received.slice(2))).toEqual(["line 0", "line 1"]);
    expect(warnings).toEqual([]);
  });

  it("gives up on a conflict that never clears, says so, and goes on with the next batch", async () => {
    const server = scriptedServer([conflict]);
    const { r, warnings } = reporter(server.api);
    r.push(line(0));
    await r.flushed();
    // The first attempt and five more, then the refusal is reported and the batch let go.
    expect(server.received).toHaveLength(6);
    expect(warnings.at(-1)).toMatch(/refused a report of run run-1: .*send it again/);
    r.push(line(1));
    await r.flushed();
    // The refused batch was not applied: the next one takes its number.
    expect(server.received.at(-1)!.seq).toBe(1);
    expect(linesOf([server.received.at(-1)!])).toEqual(["line 1"]);
  }, 20_000);

  it("drops a batch the server refused as malformed at once, with a warning", async () => {
    const server = scriptedServer([
      { ok: false, status: 400, code: "invalid_request", error: "bad", retryable: false },
      applied,
    ]);
    const { r, warnings } = reporter(server.api);
    r.push(line(0));
    await r.flushed();
    expect(server.received).toHaveLength(1);
    expect(warnings).toEqual([expect.stringContaining("refused a report of run run-1: bad")]);
  });
});
