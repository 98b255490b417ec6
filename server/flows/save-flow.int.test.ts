import { describe, expect, it } from "vitest";
import { FlowFileError } from "../../contract/flow-file/issues.ts";
import { checkFlowFile } from "../../contract/flow-file/parse.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { threeTasks, uniqueName } from "../../test/support/seed.ts";
import { listFlows } from "./list-flows.ts";
import { importFlowFile, saveFlow } from "./save-flow.ts";

const test = freshDatabase();

describe("saving flows", () => {
  it("makes version 1, keeps it for the same content, and makes version 2 on a change", async () => {
    const flow = threeTasks();
    const first = await saveFlow(test.db, { check: checkFlowFile(flow) });
    expect(first).toMatchObject({ name: flow.name, version: 1, created: true });
    const again = await saveFlow(test.db, { check: checkFlowFile(flow) });
    expect(again).toMatchObject({
      id: first.id,
      version: 1,
      versionId: first.versionId,
      created: false,
    });
    const changed = await saveFlow(test.db, {
      check: checkFlowFile({ ...flow, description: "now with a description" }),
    });
    expect(changed).toMatchObject({ id: first.id, version: 2, created: true });
    const listed = (await listFlows(test.db, { lateAfterMs: 60_000 })).find(
      (f) => f.name === flow.name,
    );
    expect(listed).toMatchObject({ version: 2, description: "now with a description" });
  });

  it("stores the compiled JavaScript of TypeScript cells with the version", async () => {
    const saved = await saveFlow(test.db, { check: checkFlowFile(threeTasks()) });
    const version = await test.db.flowVersion.findUniqueOrThrow({ where: { id: saved.versionId } });
    expect((version.compiled as Record<string, string>).report).toContain("function main()");
  });

  it("gives concurrent saves of different content distinct versions", async () => {
    const name = uniqueName();
    const saves = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        saveFlow(test.db, { check: checkFlowFile({ ...threeTasks(name), description: `v${i}` }) }),
      ),
    );
    expect(saves.map((s) => s.version).sort()).toEqual([1, 2, 3, 4]);
  });

  it("refuses a bad flow with every problem and saves nothing of it", async () => {
    const name = uniqueName();
    const text = [
      `name: ${name}`,
      "tasks:",
      "  - name: a",
      "    language: typescript",
      "    dependsOn: [b]",
      "    code: |",
      "      export default function main() {",
      "        const x = ;",
      "      }",
      "  - name: b",
      "    language: shell",
      "    dependsOn: [a]",
      "    code: echo",
      "",
    ].join("\n");
    const error = await importFlowFile(test.db, { text, format: "yaml" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowFileError);
    const issues = (error as FlowFileError).issues;
    expect(issues.map((i) => [i.message, i.location?.line])).toEqual([
      ["dependency cycle: a → b → a", 5],
      ['task "a": TypeScript syntax error at line 2, column 13 of its code: Unexpected ";"', 8],
    ]);
    expect(issues[1]!.location).toEqual({ line: 8, column: 19 });
    expect(await test.db.flow.findUnique({ where: { name } })).toBeNull();
  });
});
