import { describe, expect, it } from "vitest";
import { gatheredCacheLookup } from "./cache-lookups.ts";

function recordingApi(answer: (keys: string[]) => Promise<unknown>) {
  const requests: string[][] = [];
  return {
    requests,
    api: {
      cache: async (_run: string, _lease: string, keys: string[]) => {
        requests.push(keys);
        return answer(keys) as never;
      },
    },
  };
}

describe("gatheredCacheLookup", () => {
  it("sends the keys asked for together as one request of at most 1,000 keys", async () => {
    const { api, requests } = recordingApi(async (keys) => ({
      ok: true,
      data: {
        hits: Object.fromEntries(
          keys.filter((k) => k.endsWith("0")).map((k) => [k, { result: k }]),
        ),
      },
    }));
    const lookup = gatheredCacheLookup(api, "run", "lease");
    const keys = Array.from({ length: 1_500 }, (_, i) => `k${i}`);
    // k10 asked twice before the first request leaves: asked once, answered twice.
    const answers = await Promise.all(["k10", ...keys].map(lookup));
    expect(requests.map((r) => r.length)).toEqual([1_000, 500]);
    expect(answers[0]).toEqual({ hit: true, result: "k10" });
    expect(answers[11]).toEqual({ hit: true, result: "k10" });
    expect(answers[12]).toEqual({ hit: false });
  });

  it("answers a miss when the server cannot be asked", async () => {
    const { api } = recordingApi(async () => ({ ok: false, error: "down", retryable: true }));
    expect(await gatheredCacheLookup(api, "r", "l")("k")).toEqual({ hit: false });
    const failing = recordingApi(() => Promise.reject(new Error("boom")));
    expect(await gatheredCacheLookup(failing.api, "r", "l")("k")).toEqual({ hit: false });
  });
});
