import { parse, parseExpressionAt } from 'acorn';

/**
 * Syntax checks of user code. Parsing only: the code never runs in the host (it runs in the
 * sandbox), but a typo should be caught when the flow is saved, not at 3 a.m. on the line.
 */

const ECMA = 2023 as const;

/** Returns a plain-words syntax error of a JavaScript expression, or undefined when it parses. */
export function expressionSyntaxError(source: string): string | undefined {
  try {
    // preserveParens: without it a parenthesized expression ends before its closing paren.
    const node = parseExpressionAt(source, 0, { ecmaVersion: ECMA, preserveParens: true });
    const rest = source.slice(node.end).trim();
    if (rest !== '') return `is not one JavaScript expression: unexpected "${rest.slice(0, 20)}" after it`;
    return undefined;
  } catch (e) {
    return syntaxMessage(e, 'JavaScript expression');
  }
}

/** Same for a function body (mapping code: statements ending in `return`). */
export function codeSyntaxError(source: string): string | undefined {
  try {
    parse(source, {
      ecmaVersion: ECMA,
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
    });
    return undefined;
  } catch (e) {
    return syntaxMessage(e, 'JavaScript code');
  }
}

function syntaxMessage(e: unknown, what: string): string {
  const err = e as { message?: string; loc?: { line: number; column: number } };
  const reason = (err.message ?? String(e)).replace(/ \(\d+:\d+\)$/, '');
  const where = err.loc ? ` at line ${err.loc.line}, column ${err.loc.column + 1}` : '';
  return `has a syntax error in its ${what}${where}: ${reason}`;
}
