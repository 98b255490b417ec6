// Monaco from the installed package (never a CDN: studios run offline too), its workers bundled
// by Next, and the TypeScript settings task cells are checked with. Imported only by the editor
// page's lazily loaded chunk, so the rest of the studio never downloads Monaco.
import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor";
import { guardConfigurationWrites } from "./configuration-guard";

declare global {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- augments Window
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker(_workerId, label) {
    if (label === "typescript" || label === "javascript") {
      return new Worker(
        new URL("monaco-editor/languages/features/typescript/ts.worker", import.meta.url),
        { type: "module" },
      );
    }
    return new Worker(new URL("monaco-editor/editor/editor.worker", import.meta.url), {
      type: "module",
    });
  },
};

const ts = monaco.typescript;
ts.typescriptDefaults.setCompilerOptions({
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  allowNonTsExtensions: true,
  strict: true,
  // Cells are scripts people write quickly: an unannotated parameter is not an error.
  noImplicitAny: false,
  lib: ["esnext", "dom"],
});
ts.typescriptDefaults.setEagerModelSync(true);

guardConfigurationWrites();
loader.config({ monaco });

export { monaco };
export type Monaco = typeof monaco;
