/**
 * Where code and expression problems go in the editor. Pure position arithmetic, so it is tested
 * without Monaco.
 */

export type CodeKind = 'code' | 'expression';

/** Line and column (1-based) of a syntax error from `codeSyntaxError`/`expressionSyntaxError`. */
export function syntaxErrorPosition(message: string): { line: number; column: number } | undefined {
  const m = /at line (\d+), column (\d+)/.exec(message);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

/**
 * The user's text inside a function, as the sandbox runs it, for type checking: TypeScript does
 * not check the expression of a top-level `return`, which is where map code builds its result.
 * `offset` is where the user's text starts in the wrapped text.
 */
export function wrapForCheck(kind: CodeKind, text: string): { text: string; offset: number } {
  const head = kind === 'code' ? '(async function () {\n' : '(function () { return (\n';
  const tail = kind === 'code' ? '\n})();\n' : '\n); })();\n';
  return { text: head + text + tail, offset: head.length };
}

/**
 * A diagnostic of the wrapped text as a range of the user's text (offsets), or undefined when it
 * lies in the wrapper only. A diagnostic running past the end is cut at the end.
 */
export function unwrapRange(
  start: number,
  length: number,
  offset: number,
  textLength: number,
): { start: number; end: number } | undefined {
  const s = start - offset;
  const e = s + length;
  if (e < 0 || s > textLength) return undefined;
  return { start: Math.max(0, s), end: Math.min(textLength, Math.max(e, s)) };
}

/** TypeScript's message text, which may be a chain of nested messages. */
export function flattenMessage(text: string | { messageText: string; next?: readonly unknown[] }, indent = 0): string {
  if (typeof text === 'string') return text;
  const next = (text.next ?? []) as { messageText: string; next?: readonly unknown[] }[];
  return [text.messageText, ...next.map((n) => flattenMessage(n, indent + 1))].join('\n' + '  '.repeat(indent + 1));
}
