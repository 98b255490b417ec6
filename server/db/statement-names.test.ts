import { describe, expect, it } from "vitest";
import { MAX_NAMED_STATEMENT_PARAMETERS, statementName } from "./statement-names.ts";

describe("statementName", () => {
  it("names a statement by its text: the same text, the same name; another text, another", () => {
    const a = statementName({ sql: 'SELECT * FROM "FlowRun" WHERE id = $1', args: ["x"] });
    expect(a).toMatch(/^pb_[A-Za-z0-9_-]{27}$/);
    expect(statementName({ sql: 'SELECT * FROM "FlowRun" WHERE id = $1', args: ["y"] })).toBe(a);
    expect(statementName({ sql: 'SELECT * FROM "TaskRun" WHERE id = $1', args: ["x"] })).not.toBe(
      a,
    );
    // PostgreSQL cuts identifiers at 63 bytes.
    expect(a.length).toBeLessThanOrEqual(63);
  });

  it("leaves unnamed a statement without parameters or with a long list of them", () => {
    expect(statementName({ sql: "SELECT 1; SELECT 2", args: [] })).toBe("");
    const many = Array.from({ length: MAX_NAMED_STATEMENT_PARAMETERS + 1 }, (_, i) => i);
    expect(statementName({ sql: "SELECT $1", args: many })).toBe("");
    expect(statementName({ sql: "SELECT $1", args: many.slice(1) })).not.toBe("");
  });
});
