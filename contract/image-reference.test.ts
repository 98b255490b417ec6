import { describe, expect, it } from "vitest";
import { CreateDeploymentRequestSchema } from "./api-v1.ts";
import { imageReferenceProblem } from "./image-reference.ts";

const SHA = "sha256:" + "0123456789abcdef".repeat(4);

describe("image references", () => {
  it.each([
    "python:3.12-slim",
    "ubuntu",
    "library/ubuntu",
    "docker.io/library/ubuntu:22.04",
    "ghcr.io/org/app:1.2",
    "localhost/app",
    "localhost:5000/my_app",
    "Registry.Example.com:5000/team/app/sub:v1.0_rc-2",
    "[::1]:5000/app",
    `alpine@${SHA}`,
    `alpine:3.20@${SHA}`,
    "my-app__x.y--z",
  ])("take Docker's grammar: %s", (image) => {
    expect(imageReferenceProblem(image)).toBeNull();
  });

  it.each([
    ["--privileged", 'must not start with "-"'],
    ["--volume=/:/host", 'must not start with "-"'],
    ["-v/:/host", 'must not start with "-"'],
    ["", "is empty"],
    ["python:3.12 --privileged", "spaces or control characters"],
    ["python\n", "spaces or control characters"],
    ["Python", 'name component "Python", which must be lowercase'],
    ["org/App", 'name component "App"'],
    ["a=b", 'name component "a=b"'],
    ["a//b", "empty name component"],
    ["/abs", "empty name component"],
    ["app:", 'malformed tag ""'],
    ["app:-x", 'malformed tag "-x"'],
    [`app:${"x".repeat(129)}`, "malformed tag"],
    ["app@sha256:abc", "malformed digest"],
    ["bad_host.com/app", 'malformed registry host "bad_host.com"'],
    ["registry.io:http/app", 'malformed registry port "http"'],
    [`${"a".repeat(256)}`, "name longer than 255"],
    [`${"a".repeat(501)}`, "longer than 500 characters"],
  ])("refuse %j: %s", (image, rule) => {
    const problem = imageReferenceProblem(image);
    expect(problem).toContain(rule);
    expect(problem).toContain("(expected [registry[:port]/]name[:tag][@digest]");
  });

  it("are refused in a deployment, the issue naming the field and the rule", () => {
    const parsed = CreateDeploymentRequestSchema.safeParse({
      flow: "etl",
      name: "nightly",
      runner: "docker",
      image: "--volume=/:/host",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues).toMatchObject([
      {
        path: ["image"],
        message:
          'image "--volume=/:/host" must not start with "-": docker would read it as an option, not an image (expected [registry[:port]/]name[:tag][@digest] with a lowercase name, e.g. python:3.12-slim or ghcr.io/org/app:1.2)',
      },
    ]);
  });
});
