import * as monaco from 'monaco-editor';
import { loader } from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TsWorker from 'monaco-editor/language/typescript/ts.worker?worker';

/**
 * Monaco from the bundle, never from a CDN (the server's CSP allows only 'self' and blob:
 * workers): @monaco-editor/react is told to use this copy, and the workers are Vite-built
 * chunks. Loaded only when a code or expression editor is first shown.
 */

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    if (label === 'typescript' || label === 'javascript') return new TsWorker({ name: label });
    return new EditorWorker({ name: label });
  },
};

loader.config({ monaco });

const js = monaco.typescript.javascriptDefaults;
js.setCompilerOptions({
  target: monaco.typescript.ScriptTarget.ES2020,
  // The sandbox has the language, no DOM and no Node.
  lib: ['es2022'],
  allowJs: true,
  checkJs: true,
  allowNonTsExtensions: true,
  noEmit: true,
});
js.setDiagnosticsOptions({
  // The editors set their own markers: syntax from the same parser the server uses, types from
  // a copy of the text wrapped in a function (see CodeEditor), so Monaco's own would repeat them.
  noSemanticValidation: true,
  noSyntaxValidation: true,
});
js.setEagerModelSync(true);

let scopeLib: monaco.IDisposable | undefined;
let scopeText = '';

/**
 * Declares `msg`, `params`, `helpers` and the canonical types for the editors on screen. One
 * node is inspected at a time, so one scope file serves all its editors.
 */
export function setScope(declarations: string): void {
  if (declarations === scopeText) return;
  scopeLib?.dispose();
  scopeText = declarations;
  scopeLib = js.addExtraLib(declarations, 'file:///millrace/scope.d.ts');
}

export { monaco };
