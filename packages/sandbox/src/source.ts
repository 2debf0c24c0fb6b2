/**
 * Shapes user code into the scripts both sandboxes compile, and keeps what is needed to map an
 * error position in a script back to the user's own lines.
 */
import { readFileSync } from 'node:fs';

/** The file name compiled user code carries; the prelude finds stack positions by it. */
export const CODE_FILE = 'millrace-code';

export type CodeKind = 'function' | 'expressions';

export interface PreparedSource {
  readonly kind: CodeKind;
  /** A script whose value is the user function; compile it with lineOffset -1. */
  readonly script: string;
  /** The user's pieces, each checked alone in the sandbox for code that closes the wrapper early. */
  readonly checks: readonly string[];
  readonly count: number;
  /** For expressions: the script line (after the offset) each expression starts on. */
  readonly starts: readonly number[];
}

const HEADER = '(function (msg, params, helpers) { "use strict";';
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/g;

function lineCount(text: string): number {
  return (text.match(LINE_BREAK)?.length ?? 0) + 1;
}

/** The header takes line 0, so with lineOffset -1 the user's first line is line 1. */
export function prepareFunction(source: string): PreparedSource {
  return {
    kind: 'function',
    script: `${HEADER}\n${source}\n})`,
    checks: [source],
    count: 1,
    starts: [1],
  };
}

/** One function returning an array, each expression starting on its own line at column 1. */
export function prepareExpressions(expressions: readonly string[]): PreparedSource {
  const starts: number[] = [];
  let line = 1;
  for (const expression of expressions) {
    starts.push(line);
    line += lineCount(expression) + 1;
  }
  return {
    kind: 'expressions',
    script: `${HEADER} return [(\n${expressions.join('\n), (\n')}\n)]; })`,
    checks: [...expressions],
    count: expressions.length,
    starts,
  };
}

export interface UserPosition {
  /** 0-based index of the expression, for `evaluate`. */
  readonly expression?: number;
  readonly line: number;
  readonly column: number;
}

/** Maps a line/column in the compiled script to the user's source (or expression). */
export function userPosition(
  prepared: PreparedSource,
  line: number | undefined,
  column: number | undefined,
): UserPosition | undefined {
  if (line === undefined || column === undefined || !Number.isInteger(line) || !Number.isInteger(column)) {
    return undefined;
  }
  if (prepared.kind === 'function') return clamp(prepared.checks[0] ?? '', line, column);
  let index = 0;
  while (index + 1 < prepared.starts.length && prepared.starts[index + 1]! <= line) index++;
  const start = prepared.starts[index] ?? 1;
  return { expression: index, ...clamp(prepared.checks[index] ?? '', line - start + 1, column) };
}

/** A position in the wrapper before or after the user's text becomes its start or its end. */
function clamp(text: string, line: number, column: number): { line: number; column: number } {
  if (line < 1) return { line: 1, column: 1 };
  const lines = text.split(LINE_BREAK);
  if (line > lines.length) return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
  return { line, column };
}

let bootstrap: Map<boolean, string> | undefined;

/**
 * The source evaluated once per context: helpers, then the prelude, called in one function so
 * that neither name lands on the global object. Its value is the prelude's API object.
 */
export function bootstrapSource(dispatch: boolean): string {
  bootstrap ??= new Map();
  let source = bootstrap.get(dispatch);
  if (source === undefined) {
    const read = (name: string) => readFileSync(new URL(`./runtime/${name}`, import.meta.url), 'utf8');
    const options = JSON.stringify({ file: CODE_FILE, dispatch });
    source = `(function () {\n${read('helpers.js')}\n${read('prelude.js')}\nreturn millracePrelude(millraceHelpers(), ${options});\n})()`;
    bootstrap.set(dispatch, source);
  }
  return source;
}
