"use client";
// One cell's Monaco editor. Uncontrolled (defaultValue): a controlled value scrambles fast
// typing. Its model lives at the cell's path and outlives the editor, so scrolling a cell out of
// the virtualised list and back keeps its undo history, and TypeScript cells can see each other.
import Editor, { type OnMount } from "@monaco-editor/react";
import {
  memo,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type Ref,
} from "react";
import type { Language } from "@/contract/flow-file/schema";
import type { FlowIssue } from "@/contract/flow-file/issues";
import { cellModelPath } from "./monaco/input-types";
import { monaco } from "./monaco/setup";
import { useCan } from "@/app/_lib/viewer";

const MIN_HEIGHT = 58;
const MAX_HEIGHT = 640;

// Constant objects, never literals in render: the wrapper calls `editor.updateOptions` whenever
// the options object changes, and Monaco turns that into a configuration change every model of
// the page re-reads — with 200 cells, tens of milliseconds on every keystroke.
const BASE_OPTIONS = {
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  automaticLayout: true,
  fontSize: 13,
  lineNumbersMinChars: 3,
  renderLineHighlight: "none",
  overviewRulerLanes: 0,
  fixedOverflowWidgets: true,
  scrollbar: { alwaysConsumeMouseWheel: false },
  padding: { top: 6, bottom: 6 },
} as const;
// People whose role may not change flows read the code (contract/roles.ts).
const READ_ONLY_OPTIONS = { ...BASE_OPTIONS, readOnly: true } as const;
const TAB_SIZE: Record<Language, number> = { python: 4, typescript: 2, shell: 2 };
// Escape leaves the editor (to the cell) only when Monaco has nothing of its own to close.
const ESCAPE_WHEN =
  "!suggestWidgetVisible && !findWidgetVisible && !renameInputVisible && " +
  "!parameterHintsVisible && !inSnippetMode && !editorHasMultipleSelections && " +
  "!markersNavigationVisible && !inlineSuggestionVisible";

export type CodeEditorHandle = { focus(): void };

type CodeEditorProps = {
  taskKey: string;
  language: Language;
  /** The code a new model starts with; read only when the model is created. */
  defaultValue: string;
  issues: readonly FlowIssue[];
  dark: boolean;
  onChange: (code: string) => void;
  onRunCell: () => void;
  onFocus: () => void;
  /** Escape pressed in the editor. */
  onEscape: () => void;
  handle?: Ref<CodeEditorHandle>;
};

/**
 * Not re-rendered by the keystrokes it reports: the code lives in the model, so the code it
 * started with is ignored once the model exists (a new language or key makes a new model).
 */
export const CodeEditor = memo(CodeEditorView, (before, after) =>
  (Object.keys(after) as (keyof CodeEditorProps)[]).every(
    (prop) => prop === "defaultValue" || before[prop] === after[prop],
  ),
);

function CodeEditorView({
  taskKey,
  language,
  defaultValue,
  issues,
  dark,
  onChange,
  onRunCell,
  onFocus,
  onEscape,
  handle,
}: CodeEditorProps) {
  const canEdit = useCan("edit");
  const editorRef = useRef<Parameters<OnMount>[0] | null>(null);
  const [height, setHeight] = useState(() =>
    clampHeight(defaultValue.split("\n").length * 19 + 12),
  );
  // Handlers change on every render; the editor's commands are registered once.
  const latest = useRef({ onChange, onRunCell, onFocus, onEscape });
  useLayoutEffect(() => {
    latest.current = { onChange, onRunCell, onFocus, onEscape };
  });
  // Monaco loads asynchronously: a focus asked for before it is there happens when it is.
  const focusWhenMounted = useRef(false);
  useImperativeHandle(handle, () => ({
    focus() {
      if (editorRef.current) editorRef.current.focus();
      else focusWhenMounted.current = true;
    },
  }));
  const path = cellModelPath(taskKey, language);

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    setTabSize(editor.getModel(), language);
    editor.onDidContentSizeChange((e) => setHeight(clampHeight(e.contentHeight)));
    // Actions, not `addCommand`: a command's key binding is global — with many editors on the
    // page, the one mounted last would get every cell's Shift+Enter.
    editor.addAction({
      id: "pipebook.runCell",
      label: "Run cell",
      keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter],
      run: () => latest.current.onRunCell(),
    });
    editor.addAction({
      id: "pipebook.leaveCode",
      label: "Leave the code (to the cell)",
      keybindings: [monaco.KeyCode.Escape],
      keybindingContext: ESCAPE_WHEN,
      run: () => latest.current.onEscape(),
    });
    editor.onDidFocusEditorText(() => latest.current.onFocus());
    setHeight(clampHeight(editor.getContentHeight()));
    if (focusWhenMounted.current) editor.focus();
  };

  // A language switch gives the editor a new model (at a new path): indent it for its language.
  useEffect(() => {
    setTabSize(monaco.editor.getModel(monaco.Uri.parse(path)), language);
  }, [path, language]);

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
        onChange={(value) => latest.current.onChange(value ?? "")}
        loading={<pre className="p-2 font-mono text-xs text-zinc-400">{defaultValue}</pre>}
        options={canEdit ? BASE_OPTIONS : READ_ONLY_OPTIONS}
      />
    </div>
  );
}

/** On the model, not in the editor's options (see BASE_OPTIONS for why). */
function setTabSize(model: ReturnType<typeof monaco.editor.getModel>, language: Language) {
  model?.updateOptions({ tabSize: TAB_SIZE[language], indentSize: TAB_SIZE[language] });
}

function clampHeight(content: number): number {
  return Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, content));
}
