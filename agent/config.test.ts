import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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
        "an API key is required: PIPEBOOK_API_KEY, --api-key-file PATH or --api-key",
        '--concurrency must be a whole number ≥ 1 (got "zero")',
      ]);
    }
    expect(() => loadAgentConfig(["--bogus"], {})).toThrow(/bogus/);
  });

  it("reads the key from a file (--api-key-file or PIPEBOOK_API_KEY_FILE), trimmed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-agent-key-"));
    const file = path.join(dir, "key");
    fs.writeFileSync(file, "pb_agent_from_file\n", { mode: 0o600 });
    const url = ["--api-url", "http://s:1"];
    expect(loadAgentConfig([...url, "--api-key-file", file], {}).apiKey).toBe("pb_agent_from_file");
    expect(loadAgentConfig(url, { PIPEBOOK_API_KEY_FILE: file }).apiKey).toBe("pb_agent_from_file");
    // The file wins over a key in the environment (the local agent's parent may carry one).
    expect(loadAgentConfig([...url, "--api-key-file", file], { PIPEBOOK_API_KEY: "other" }).apiKey).toBe("pb_agent_from_file"); // prettier-ignore
    expect(() => loadAgentConfig([...url, "--api-key-file", path.join(dir, "nope")], {})).toThrow(
      /--api-key-file: cannot read .*nope/,
    );
    fs.writeFileSync(file, "  \n");
    expect(() => loadAgentConfig([...url, "--api-key-file", file], {})).toThrow(/is empty/);
    expect(() => loadAgentConfig([...url, "--api-key-file", file, "--api-key", "k"], {})).toThrow(
      /not both/,
    );
  });

  it("isolates tasks by default; --isolation and PIPEBOOK_ISOLATION choose", () => {
    const base = ["--api-url", "http://s:1", "--api-key", "k"];
    expect(loadAgentConfig(base, {}).isolation).toBe("auto");
    expect(loadAgentConfig([...base, "--isolation", "none"], {}).isolation).toBe("none");
    expect(loadAgentConfig(base, { PIPEBOOK_ISOLATION: "bwrap" }).isolation).toBe("bwrap");
    expect(() => loadAgentConfig([...base, "--isolation", "docker"], {})).toThrow(
      '--isolation must be one of auto, bwrap, none (got "docker")',
    );
  });

  it("takes folders to hide from tasks and extra variables for them", () => {
    const base = ["--api-url", "http://s:1", "--api-key", "k"];
    const config = loadAgentConfig([...base, "--hide", "/srv/pipebook", "--hide", "rel"], {
      PATH: "/usr/bin",
      AWS_PROFILE: "prod",
      PIPEBOOK_HOME: "/srv/pipebook",
      PIPEBOOK_API_KEY: "k2",
    });
    expect(config.hide).toEqual(["/srv/pipebook", path.resolve("rel")]);
    expect(config.taskEnv).toEqual({ PATH: "/usr/bin" });
    const env = { PIPEBOOK_HIDE: "/a:/b", PIPEBOOK_TASK_ENV: "AWS_PROFILE", AWS_PROFILE: "prod" };
    expect(loadAgentConfig(base, env)).toMatchObject({
      hide: ["/a", "/b"],
      taskEnv: { AWS_PROFILE: "prod" },
    });
    expect(() =>
      loadAgentConfig([...base, "--task-env", "PIPEBOOK_API_KEY,DATABASE_URL"], {}),
    ).toThrow(/PIPEBOOK_API_KEY is never given to tasks[\s\S]*DATABASE_URL is never given/);
  });

  it("takes a Dask scheduler for dask runs that name none, from the flag or the environment", () => {
    const base = ["--api-url", "http://s:1", "--api-key", "k"];
    expect(loadAgentConfig(base, {}).daskScheduler).toBeUndefined();
    expect(
      loadAgentConfig([...base, "--dask-scheduler", "tcp://10.0.0.5:8786"], {}).daskScheduler,
    ).toBe("tcp://10.0.0.5:8786");
    expect(
      loadAgentConfig(base, { PIPEBOOK_DASK_SCHEDULER: "tls://dask:8786" }).daskScheduler,
    ).toBe("tls://dask:8786");
    expect(() => loadAgentConfig([...base, "--dask-scheduler", "10.0.0.5:8786"], {})).toThrow(
      /--dask-scheduler: "10.0.0.5:8786" is not a Dask scheduler address/,
    );
  });

  it("takes the pipe whose end means its parent is gone; only an inherited descriptor", () => {
    const base = ["--api-url", "http://s:1", "--api-key", "k"];
    expect(loadAgentConfig(base, {}).parentFd).toBeUndefined();
    expect(loadAgentConfig([...base, "--parent-fd", "4"], {}).parentFd).toBe(4);
    for (const bad of ["0", "2", "x", "3.5"]) {
      expect(() => loadAgentConfig([...base, "--parent-fd", bad], {})).toThrow(
        `--parent-fd must be an inherited file descriptor, 3 or more (got "${bad}")`,
      );
    }
  });

  it("takes package-index settings for dependency builds; builds get pip's and npm's settings, tasks do not", () => {
    const wheels = fs.mkdtempSync(path.join(os.tmpdir(), "pipebook-wheels-"));
    const env = {
      PIPEBOOK_API_URL: "http://s:1",
      PIPEBOOK_API_KEY: "k",
      PIPEBOOK_PIP_INDEX_URL: "https://pypi.internal/simple",
      PIPEBOOK_PIP_FIND_LINKS: wheels,
      PIP_NO_INDEX: "1",
      npm_config_registry: "https://npm.internal/",
      PATH: "/usr/bin",
    };
    const config = loadAgentConfig(["--work-dir", "/tmp/agent-x"], env);
    expect(config.environments).toMatchObject({
      root: "/tmp/agent-x/envs",
      pipIndexUrl: "https://pypi.internal/simple",
      pipFindLinks: [wheels],
    });
    expect(config.environments.env).toMatchObject({
      PIP_NO_INDEX: "1",
      npm_config_registry: "https://npm.internal/",
    });
    expect(config.environments.env.PIPEBOOK_API_KEY).toBeUndefined();
    expect(config.taskEnv.PIP_NO_INDEX).toBeUndefined();
    // Flags win; a folder that does not exist and an index that is no URL are refused.
    expect(loadAgentConfig(["--env-dir", "/tmp/shared-envs", "--pip-find-links", `${wheels},https://x/wheels`], env).environments).toMatchObject({
      root: "/tmp/shared-envs",
      pipFindLinks: [wheels, "https://x/wheels"],
    }); // prettier-ignore
    expect(() =>
      loadAgentConfig(["--pip-index-url", "pypi.internal", "--pip-find-links", "/nonexistent/wheels"], env),
    ).toThrow(/--pip-index-url must be an http\(s\) or file URL[\s\S]*--pip-find-links: \/nonexistent\/wheels does not exist/); // prettier-ignore
  });
});
