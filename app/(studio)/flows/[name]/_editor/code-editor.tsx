"use client";
// One cell's Monaco editor. Uncontrolled (defaultValue): a controlled value scrambles fast
// typing. Its model lives at the cell's path and outlives the editor, so scrolling a cell out of
// the virtualised list and back keeps its undo history, and TypeScript cells can see each other.
import Editor, { type OnMount } from "@monaco-editor/react";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import type { Language } from "@/contract/flow-file/schema";
import type { FlowIssue } from "@/contract/flow-file/issues";
import { cellModelPath } from "./monaco/input-types";
import { monaco } from "./monaco/setup";

const MIN_HEIGHT = 58;
const MAX_HEIGHT = 640;

export function CodeEditor({
  taskKey,
  language,
  defaultValue,
  issues,
  dark,
  onChange,
  onRunCell,
  onFocus,
}: {
  taskKey: string;
  language: Language;
  defaultValue: string;
  issues: readonly FlowIssue[];
  dark: boolean;
  onChange: (code: string) => void;
  onRunCell: () => void;
  onFocus: () => void;
}) {
  const editorRef = useRef<Parameters<OnMount>[0] | null>(null);
  const [height, setHeight] = useState(() =>
    clampHeight(defaultValue.split("\n").length * 19 + 12),
  );
  // Handlers change on every render; the editor's commands are registered once.
  const latest = useRef({ onRunCell, onFocus });
  useLayoutEffect(() => {
    latest.current = { onRunCell, onFocus };
  });
  const path = cellModelPath(taskKey, language);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    editor.onDidContentSizeChange((e) => setHeight(clampHeight(e.contentHeight)));
    editor.addCommand(monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => latest.current.onRunCell());
    editor.onDidFocusEditorText(() => latest.current.onFocus());
    setHeight(clampHeight(editor.getContentHeight()));
  };

  // Problems found on save, shown on the line that caused them.
  useEffect(() => {
    const model = monaco.editor.getModel(monaco.Uri.parse(path));
    if (!model) return;
    monaco.editor.setModelMarkers(
      model,
      "pipebook-save",
      issues
        .filter((i) => i.codeLocation)
        .map((i) => ({
          severity: monaco.MarkerSeverity.Error,
          message: i.message,
          startLineNumber: i.codeLocation!.line,
          startColumn: i.codeLocation!.column,
          endLineNumber: i.codeLocation!.line,
          endColumn: model.getLineMaxColumn(Math.min(i.codeLocation!.line, model.getLineCount())),
        })),
    );
  }, [issues, path]);

  return (
    <div style={{ height }} className="nokey" data-language={language}>
      <Editor
        path={path}
        defaultLanguage={language === "shell" ? "shell" : language}
        defaultValue={defaultValue}
        keepCurrentModel
        theme={dark ? "vs-dark" : "vs"}
        onMount={onMount}
        onChange={(value) => onChange(value ?? "")}
        loading={<pre className="p-2 font-mono text-xs text-zinc-400">{defaultValue}</pre>}
        options={{
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          automaticLayout: true,
          fontSize: 13,
          lineNumbersMinChars: 3,
          tabSize: language === "python" ? 4 : 2,
          renderLineHighlight: "none",
          overviewRulerLanes: 0,
          fixedOverflowWidgets: true,
          scrollbar: { alwaysConsumeMouseWheel: false },
          padding: { top: 6, bottom: 6 },
        }}
      />
    </div>
  );
}

function clampHeight(content: number): number {
  return Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, content));
}
