// Keeps Monaco's models in step with the flow's shape: every TypeScript cell has a model (even
// when its editor is scrolled out of view) so that downstream cells can be typed by its result,
// models of removed cells are dropped, and the `Inputs<"task">` types are regenerated.
import type { Draft } from "../draft";
import { cellModelPath, INPUT_TYPES_PATH, inputTypesLib } from "./input-types";
import { monaco } from "./setup";
import { packageTypesLib } from "../dialogs/dependency-fields";

export function syncMonacoModels(draft: Draft): void {
  const wanted = new Set(draft.tasks.map((t) => cellModelPath(t.key, t.language)));
  for (const model of monaco.editor.getModels()) {
    const uri = model.uri.toString();
    if (uri.startsWith("file:///cells/") && !wanted.has(uri)) model.dispose();
  }
  for (const task of draft.tasks) {
    if (task.language !== "typescript") continue;
    const uri = monaco.Uri.parse(cellModelPath(task.key, task.language));
    if (!monaco.editor.getModel(uri)) monaco.editor.createModel(task.code, "typescript", uri);
  }
  // Declared npm packages (the flow's and the cells' own) import without a false error.
  const packages = [draft.typescript, ...draft.tasks.map((t) => t.typescript)].flatMap((d) =>
    Object.keys(d?.packages ?? {}),
  );
  monaco.typescript.typescriptDefaults.setExtraLibs([
    { content: inputTypesLib(draft), filePath: INPUT_TYPES_PATH },
    { content: packageTypesLib(packages), filePath: "file:///pipebook-packages.d.ts" },
  ]);
}
