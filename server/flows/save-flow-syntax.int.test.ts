// The save path refuses Python and shell syntax errors like TypeScript's: located to the task,
// the line of its code and the line of the flow file, with nothing saved.
import { describe, expect, it } from "vitest";
import { FlowFileError } from "../../contract/flow-file/issues.ts";
import { freshDatabase } from "../../test/support/database.ts";
import { uniqueName } from "../../test/support/seed.ts";
import { importFlowFile } from "./save-flow.ts";

const test = freshDatabase();

describe("saving a flow with a broken Python or shell cell", () => {
  it("refuses it with each error located, and saves nothing", async () => {
    const name = uniqueName();
    const text = [
      `name: ${name}`,
      "tasks:",
      "  - name: transform",
      "    language: python",
      "    code: |",
      "      def main():",
      "          rows = [1, 2",
      "          return rows",
      "  - name: notify",
      "    language: shell",
      "    dependsOn: [transform]",
      "    code: |",
      "      echo start",
      "      fi",
      "",
    ].join("\n");
    const error = await importFlowFile(test.db, { text, format: "yaml" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowFileError);
    const issues = (error as FlowFileError).issues;
    expect(issues.map((i) => [i.task, i.codeLocation, i.location?.line])).toEqual([
      ["transform", { line: 2, column: 12 }, 7],
      ["notify", { line: 2, column: 1 }, 14],
    ]);
    expect(issues[0]!.message).toMatch(
      /^task "transform": Python syntax error at line 2, column 12 of its code: '\[' was never closed/,
    );
    expect(issues[1]!.message).toBe(
      'task "notify": shell syntax error at line 2 of its code: syntax error near unexpected token `fi\'',
    );
    expect(await test.db.flow.findUnique({ where: { name } })).toBeNull();

    // Fixed, the same flow saves.
    const fixed = text.replace("rows = [1, 2", "rows = [1, 2]").replace("      fi\n", "");
    const saved = await importFlowFile(test.db, { text: fixed, format: "yaml" });
    expect(saved).toMatchObject({ name, version: 1, created: true });
  });
});
