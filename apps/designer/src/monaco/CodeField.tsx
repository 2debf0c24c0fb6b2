import { Component, lazy, Suspense, type ReactNode } from 'react';
import type { CodeEditorProps } from './CodeEditor.tsx';

// Monaco is a few megabytes: only pages that show code or an expression load it.
const CodeEditor = lazy(() => import('./CodeEditor.tsx'));

export type { CodeEditorProps };

/** A plain text area with the same name, for while Monaco loads or when it cannot. */
function PlainEditor(props: CodeEditorProps & { loading?: boolean }) {
  return (
    <textarea
      className={props.kind === 'code' ? 'code-plain' : 'expression-plain'}
      aria-label={props.label}
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid ? true : undefined}
      rows={props.kind === 'code' ? 10 : 1}
      spellCheck={false}
      value={props.value}
      readOnly={props.readOnly || props.loading}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
}

class Fallback extends Component<{ fallback: ReactNode; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

/** A code or expression editor: Monaco, loaded on first use, else a text area. */
export function CodeField(props: CodeEditorProps) {
  return (
    <Fallback fallback={<PlainEditor {...props} />}>
      <Suspense fallback={<PlainEditor {...props} loading />}>
        <CodeEditor {...props} />
      </Suspense>
    </Fallback>
  );
}
