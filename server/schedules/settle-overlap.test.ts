// The overlap policies' table: what each does with a deployment's held scheduled runs (oldest
// slot first) while an earlier scheduled run is still active. The claim holding them back and
// the cancels themselves are tested against real databases in overlap.int.test.ts.
import { describe, expect, it } from "vitest";
import type { OverlapPolicy } from "../../contract/schedules.ts";
import { settleOverlap } from "./resolve-overlaps.ts";

const CASES: [OverlapPolicy, string[], { cancel: string[]; cancelActive: boolean }][] = [
  ["allow", ["a", "b"], { cancel: [], cancelActive: false }],
  ["skip", ["a"], { cancel: ["a:skip"], cancelActive: false }],
  ["skip", ["a", "b", "c"], { cancel: ["a:skip", "b:skip", "c:skip"], cancelActive: false }],
  ["bufferOne", ["a"], { cancel: [], cancelActive: false }],
  ["bufferOne", ["a", "b", "c"], { cancel: ["b:bufferOne", "c:bufferOne"], cancelActive: false }],
  ["cancelPrevious", [], { cancel: [], cancelActive: false }],
  ["cancelPrevious", ["a"], { cancel: [], cancelActive: true }],
  [
    "cancelPrevious",
    ["a", "b", "c"],
    { cancel: ["a:superseded", "b:superseded"], cancelActive: true },
  ],
];

describe("overlap policies", () => {
  it.each(CASES)("%s with held runs %j", (policy, held, expected) => {
    const settled = settleOverlap(policy, held);
    expect({
      cancel: settled.cancel.map((c) => `${c.id}:${c.reason}`),
      cancelActive: settled.cancelActive,
    }).toEqual(expected);
  });
});
