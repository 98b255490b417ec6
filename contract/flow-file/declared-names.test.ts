import { describe, expect, it } from "vitest";
import { contentHash } from "../content-hash.ts";
import { formatFlowFile } from "./export.ts";
import { checkFlowFileText, parseFlowFile, validateFlowFile } from "./parse.ts";

const withSecrets = `name: uses-secrets
tasks:
  - name: fetch
    language: python
    secrets: [GITHUB_TOKEN, _other]
    variables: [REGION]
    code: |
      def main():
          return 1
`;

const issues = (text: string) => checkFlowFileText(text, "yaml").issues;

describe("secrets and variables a task declares", () => {
  it("are read, exported and read back; a task without them exports and hashes as before", () => {
    const flow = parseFlowFile(withSecrets, "yaml");
    expect(flow.tasks[0]).toMatchObject({
      secrets: ["GITHUB_TOKEN", "_other"],
      variables: ["REGION"],
    });
    const yaml = formatFlowFile(flow, "yaml");
    expect(yaml).toContain("secrets:\n      - GITHUB_TOKEN");
    expect(parseFlowFile(yaml, "yaml")).toEqual(flow);

    const plain = validateFlowFile({
      name: "plain",
      tasks: [{ name: "a", language: "shell", code: "true" }],
    });
    expect(plain.tasks[0]).not.toHaveProperty("secrets");
    expect(formatFlowFile(plain, "yaml")).not.toContain("secrets");
    // Flows saved before tasks could declare secrets keep their version's identity.
    expect(contentHash(plain)).toBe(
      contentHash({ ...plain, tasks: plain.tasks.map((t) => ({ ...t, secrets: undefined })) }),
    );
  });

  it("refuses names a shell variable could not have, reserved ones, repeats, and a name of both kinds", () => {
    const bad = (line: string) =>
      issues(`name: x\ntasks:\n  - name: a\n    language: shell\n    code: "true"\n    ${line}\n`);
    expect(bad("secrets: [GITHUB-TOKEN]")[0]).toMatchObject({
      task: "a",
      location: { line: 6 },
      message: expect.stringContaining(
        "a secret name starts with a letter or _ and holds only letters, digits and _",
      ),
    });
    expect(bad("secrets: [1TOKEN]")[0]!.message).toContain("a secret name starts with");
    expect(bad("secrets: [PIPEBOOK_TASK]")[0]!.message).toContain(
      "secret names starting with PIPEBOOK_ are reserved",
    );
    expect(bad("variables: [pipebook_x]")[0]!.message).toContain(
      "variable names starting with PIPEBOOK_ are reserved",
    );
    expect(bad("secrets: [A, A]")[0]!.message).toContain("lists a secret twice");
    expect(bad("secrets: [TOKEN]\n    variables: [TOKEN]")[0]).toMatchObject({
      task: "a",
      field: "variables",
      location: { line: 7 },
      message:
        'task "a": "TOKEN" is declared both as a secret and as a variable; rename one of them',
    });
  });
});
