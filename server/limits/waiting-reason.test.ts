import { describe, expect, it } from "vitest";
import { waitingReason, type WaitFacts } from "./waiting-reason.ts";

const none: WaitFacts = { deploymentPaused: false, queue: null, deployment: null, tags: [] };

describe("why a due run waits", () => {
  it.each([
    ["no limit", none, null],
    ["limits with free slots", { ...none, queue: { name: "q", limit: 3, inUse: 2 } }, null],
    [
      "a full tag",
      { ...none, tags: [{ name: "db", limit: 2, inUse: 2 }] },
      "Waiting for a slot of tag db (2/2 in use)",
    ],
    [
      "a tag over its lowered limit",
      { ...none, tags: [{ name: "db", limit: 1, inUse: 3 }] },
      "Waiting for a slot of tag db (3/1 in use)",
    ],
    [
      "the full one of two tags",
      {
        ...none,
        tags: [
          { name: "gpu", limit: 4, inUse: 1 },
          { name: "db", limit: 0, inUse: 0 },
        ],
      },
      "Waiting for a slot of tag db (0/0 in use)",
    ],
    [
      "a full deployment",
      { ...none, deployment: { name: "nightly", limit: 1, inUse: 1 } },
      "Waiting for a slot of deployment nightly (1/1 in use)",
    ],
    [
      "a full work queue",
      { ...none, queue: { name: "etl", limit: 2, inUse: 2 } },
      "Waiting for a slot of work queue etl (2/2 in use)",
    ],
    [
      "a paused deployment before any full slot",
      { ...none, deploymentPaused: true, queue: { name: "etl", limit: 2, inUse: 2 } },
      "Deployment paused",
    ],
  ] as const)("%s", (_, facts, expected) => {
    expect(waitingReason(facts as WaitFacts)).toBe(expected);
  });
});
