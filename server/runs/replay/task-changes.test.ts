import { describe, expect, it } from "vitest";
import type { Task } from "../../../contract/flow-file/schema.ts";
import { sameTask, taskChanges } from "./task-changes.ts";

const base: Task = {
  name: "clean",
  language: "python",
  code: "def main(extract):\n    return extract\n",
  dependsOn: ["extract", "stats"],
  retries: 0,
  retryDelaySeconds: 0,
  retryBackoff: "none",
};

describe("is this task unchanged?", () => {
  it("what it computes: language, code and the set of its inputs", () => {
    expect(taskChanges(base, { ...base, code: "def main():\n    return 1\n" })).toEqual(["code"]);
    expect(taskChanges(base, { ...base, language: "shell", code: "echo 1" })).toEqual([
      "language",
      "code",
    ]);
    expect(taskChanges(base, { ...base, dependsOn: ["extract"] })).toEqual(["dependsOn"]);
    expect(taskChanges(base, { ...base, dependsOn: ["stats", "extract"] })).toEqual([]);
  });

  it("how it is executed leaves its results valid", () => {
    const tuned: Task = {
      ...base,
      retries: 5,
      retryDelaySeconds: [1, 10],
      retryBackoff: "exponential",
      retryJitter: 0.5,
      timeoutSeconds: 10,
      cache: { key: "inputs", expiresSeconds: 60 },
    };
    expect(taskChanges(base, tuned)).toEqual([]);
    expect(sameTask(base, tuned)).toBe(true);
  });

  it("a field it does not know counts as a change, so a result is never reused by mistake", () => {
    const later = { ...base, map: "items" } as unknown as Task;
    expect(taskChanges(base, later)).toEqual(["map"]);
  });

  it("defaults are filled in before comparing (a version saved before a field had one)", () => {
    const old = { name: "clean", language: "python", code: base.code };
    expect(taskChanges(old as Task, { ...base, dependsOn: [] })).toEqual([]);
    expect(taskChanges(old as Task, base)).toEqual(["dependsOn"]);
  });

  it("a task that is missing on either side is not the same", () => {
    expect(sameTask(undefined, base)).toBe(false);
    expect(sameTask(base, undefined)).toBe(false);
  });
});
