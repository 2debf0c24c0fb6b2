import { useEffect, useRef } from 'react';
import Editor, { type OnMount } from '@monaco-editor/react';
import { codeSyntaxError, expressionSyntaxError } from '@millrace/flow-model';
import { monaco, setScope } from './setup.ts';
import { flattenMessage, syntaxErrorPosition, unwrapRange, wrapForCheck, type CodeKind } from './markers.ts';

export interface CodeEditorProps {
  /** Accessible name of the editor, e.g. "Code of map-1". */
  label: string;
  value: string;
  kind: CodeKind;
  /** Unique per field: the model's path, e.g. "map-1/config/source". */
  modelPath: string;
  /** The scope declarations (`msg`, `params`, `helpers`, canonical types). */
  declarations: string;
  readOnly: boolean;
  /** Id of the element describing the field (help and errors). */
  describedBy?: string;
  invalid?: boolean;
  onChange(value: string): void;
}

type Editor = Parameters<OnMount>[0];
type Model = NonNullable<ReturnType<Editor['getModel']>>;

// TypeScript codes not to show: top-level return/await are how map code is written (the check
// copy wraps them anyway).
const IGNORED = new Set([1108, 1375, 1378]);

function syntaxMarkers(kind: CodeKind, model: Model): Parameters<typeof monaco.editor.setModelMarkers>[2] {
  const text = model.getValue();
  const error = kind === 'code' ? codeSyntaxError(text) : expressionSyntaxError(text);
  if (!error) return [];
  const at = syntaxErrorPosition(error) ?? { line: 1, column: 1 };
  const line = Math.min(at.line, model.getLineCount());
  return [
    {
      severity: monaco.MarkerSeverity.Error,
      message: `This ${error}`,
      startLineNumber: line,
      startColumn: at.column,
      endLineNumber: line,
      endColumn: Math.max(at.column + 1, model.getLineMaxColumn(line)),
    },
  ];
}

/**
 * Type diagnostics of the user's text run inside a function (a hidden copy), so the expression
 * of a top-level `return` is checked too, and put back on the visible model.
 */
async function typeMarkers(kind: CodeKind, model: Model): Promise<void> {
  const uri = monaco.Uri.parse(`${model.uri.toString().replace(/\.js$/, '')}.check.js`);
  const wrapped = wrapForCheck(kind, model.getValue());
  const copy = monaco.editor.getModel(uri) ?? monaco.editor.createModel('', 'javascript', uri);
  copy.setValue(wrapped.text);
  const getWorker = await monaco.typescript.getJavaScriptWorker();
  const worker = await getWorker(uri);
  const diagnostics = await worker.getSemanticDiagnostics(uri.toString());
  if (model.isDisposed()) return;
  const length = model.getValueLength();
  const markers = diagnostics.flatMap((d) => {
    if (IGNORED.has(d.code) || d.start === undefined) return [];
    const range = unwrapRange(d.start, d.length ?? 0, wrapped.offset, length);
    if (!range) return [];
    const from = model.getPositionAt(range.start);
    const to = model.getPositionAt(range.end);
    return [
      {
        severity: d.category === 1 ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
        message: flattenMessage(d.messageText),
        code: String(d.code),
        startLineNumber: from.lineNumber,
        startColumn: from.column,
        endLineNumber: to.lineNumber,
        endColumn: to.column,
      },
    ];
  });
  monaco.editor.setModelMarkers(model, 'millrace-types', markers);
}

function describe(editor: Editor, describedBy: string | undefined, invalid: boolean | undefined): void {
  const input = editor.getDomNode()?.querySelector('textarea');
  if (!input) return;
  if (describedBy) input.setAttribute('aria-describedby', describedBy);
  else input.removeAttribute('aria-describedby');
  input.setAttribute('aria-invalid', invalid ? 'true' : 'false');
}

/** A Monaco editor for map code (multi-line) or an expression (one line). */
export default function CodeEditor(props: CodeEditorProps) {
  setScope(props.declarations);
  const editorRef = useRef<Editor | null>(null);
  // The last text this editor reported: a `value` different from it is an outside change (undo
  // in the flow editor) to load; equal to it, typing ahead of the round trip is kept.
  const sent = useRef(props.value);
  const onChange = useRef(props.onChange);
  onChange.current = props.onChange;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const single = props.kind === 'expression';

  const check = (editor: Editor) => {
    const model = editor.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(model, 'millrace-syntax', syntaxMarkers(props.kind, model));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      typeMarkers(props.kind, model).catch(() => {
        // The worker went away with the editor: nothing to mark.
      });
    }, 250);
  };

  useEffect(() => {
    const editor = editorRef.current;
    if (!editor || props.value === sent.current) return;
    sent.current = props.value;
    if (editor.getValue() !== props.value) editor.setValue(props.value);
  }, [props.value]);

  useEffect(() => {
    if (editorRef.current) describe(editorRef.current, props.describedBy, props.invalid);
  }, [props.describedBy, props.invalid]);

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      const model = editorRef.current?.getModel();
      if (model)
        monaco.editor.getModel(monaco.Uri.parse(`${model.uri.toString().replace(/\.js$/, '')}.check.js`))?.dispose();
    },
    [],
  );

  const onMount: OnMount = (editor) => {
    editorRef.current = editor;
    describe(editor, props.describedBy, props.invalid);
    if (single) {
      // One line: Enter accepts a suggestion or does nothing, never a line break. Monaco's
      // keybindings are global to the page, so the rule is bound to this editor's own context
      // key: code editors keep their Enter.
      editor.createContextKey('millraceSingleLine', true);
      editor.addCommand(monaco.KeyCode.Enter, () => undefined, 'millraceSingleLine && !suggestWidgetVisible');
    }
    editor.onDidChangeModelContent(() => {
      const text = editor.getValue();
      check(editor);
      if (text === sent.current) return;
      sent.current = text;
      onChange.current(text);
    });
    check(editor);
  };

  return (
    <Editor
      className={single ? 'monaco-expression' : 'monaco-code'}
      height={single ? 30 : 240}
      language="javascript"
      path={`file:///millrace/nodes/${props.modelPath}.js`}
      defaultValue={props.value}
      loading={<span className="monaco-loading">Loading editor…</span>}
      onMount={onMount}
      options={{
        ariaLabel: props.label,
        readOnly: props.readOnly,
        // Without this, typing in automated browsers (and some IMEs) drops spaces.
        editContext: false,
        automaticLayout: true,
        minimap: { enabled: false },
        scrollBeyondLastLine: false,
        fontSize: 13,
        tabSize: 2,
        fixedOverflowWidgets: true,
        ...(single
          ? {
              lineNumbers: 'off',
              glyphMargin: false,
              folding: false,
              lineDecorationsWidth: 4,
              lineNumbersMinChars: 0,
              renderLineHighlight: 'none',
              overviewRulerLanes: 0,
              hideCursorInOverviewRuler: true,
              scrollbar: { vertical: 'hidden', horizontal: 'auto', alwaysConsumeMouseWheel: false },
              wordWrap: 'off',
              // In a one-line field Tab moves on, as in any other form field.
              tabFocusMode: true,
            }
          : // The side panel is narrow: wrap rather than scroll sideways.
            { wordWrap: 'on' }),
      }}
    />
  );
}
