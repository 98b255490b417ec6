import { describe, expect, it } from "vitest";
import { AgentConfigError, loadAgentConfig } from "./config.ts";

describe("agent configuration", () => {
  it("reads flags", () => {
    const config = loadAgentConfig([
      "--api-url", "http://server:4200/", "--api-key", "k", "--queue", "gpu-jobs", "--queue", "a,b",
      "--tags", "gpu", "--tag", "big", "--concurrency", "8", "--name", "vm-1",
    ]); // prettier-ignore
    expect(config).toMatchObject({
      apiUrl: "http://server:4200",
      apiKey: "k",
      queues: ["gpu-jobs", "a", "b"],
      tags: ["gpu", "big"],
      concurrency: 8,
      name: "vm-1",
    });
  });

  it("reads the environment variables of DESIGN.md, flags winning", () => {
    const env = {
      PIPEBOOK_API_URL: "http://s:1",
      PIPEBOOK_API_KEY: "env-key",
      PIPEBOOK_QUEUES: "q1,q2",
      PIPEBOOK_TAGS: "gpu",
    };
    expect(loadAgentConfig([], env)).toMatchObject({
      apiUrl: "http://s:1",
      apiKey: "env-key",
      queues: ["q1", "q2"],
      tags: ["gpu"],
    });
    expect(loadAgentConfig(["--queue", "other"], env).queues).toEqual(["other"]);
    expect(loadAgentConfig(["--api-url", "http://a:2", "--api-key", "k"], {}).queues).toEqual([
      "default",
    ]);
  });

  it("says everything that is missing or wrong at once", () => {
    expect(() => loadAgentConfig(["--concurrency", "zero"], {})).toThrow(AgentConfigError);
    try {
      loadAgentConfig(["--concurrency", "zero", "--api-url", "ftp://x"], {});
    } catch (error) {
      expect((error as Error).message.split("\n")).toEqual([
        '--api-url must be an http(s) URL (got "ftp://x")',
        "--api-key (or PIPEBOOK_API_KEY) is required",
        '--concurrency must be a whole number ≥ 1 (got "zero")',
      ]);
    }
    expect(() => loadAgentConfig(["--bogus"], {})).toThrow(/bogus/);
  });
});
