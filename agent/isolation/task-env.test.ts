import { describe, expect, it } from "vitest";
import { taskEnvironment } from "./task-env.ts";

describe("the environment tasks start with", () => {
  const agent = {
    PATH: "/usr/bin:/bin",
    HOME: "/home/pb",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    HTTPS_PROXY: "http://proxy:3128",
    PIPEBOOK_HOME: "/srv/pipebook",
    PIPEBOOK_API_KEY: "pb_agent_secret",
    PIPEBOOK_BOOTSTRAP_API_KEY: "pb_bootstrap",
    PIPEBOOK_SECRET_KEY: "k".repeat(64),
    DATABASE_URL: "postgresql://postgres:pw@db/pipebook",
    FORCE_COLOR: "1",
    AWS_SECRET_ACCESS_KEY: "aws",
    NODE_OPTIONS: "--require /tmp/hook.js",
  };

  it("keeps only the allow-listed variables: no credential of the agent or the server", () => {
    expect(taskEnvironment(agent)).toEqual({
      PATH: "/usr/bin:/bin",
      HOME: "/home/pb",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      HTTPS_PROXY: "http://proxy:3128",
    });
  });

  it("adds the names the agent was told to pass, but never Pipebook's own or DATABASE_URL", () => {
    const env = taskEnvironment(agent, ["AWS_SECRET_ACCESS_KEY", "PIPEBOOK_HOME", "DATABASE_URL"]);
    expect(env.AWS_SECRET_ACCESS_KEY).toBe("aws");
    expect(env.PIPEBOOK_HOME).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
  });
});
