/** JSON Pointer (RFC 6901) helpers. Every error Millrace reports names its place with one. */

export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Joins tokens onto a base pointer: `joinPointer('/nodes', 2, 'config')` → `/nodes/2/config`. */
export function joinPointer(base: string, ...tokens: ReadonlyArray<string | number>): string {
  return base + tokens.map((t) => '/' + escapeToken(t)).join('');
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`not a JSON pointer: "${pointer}"`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

/** Reads the value a pointer names, or undefined when the path does not exist. */
export function getAtPointer(doc: unknown, pointer: string): unknown {
  let current: unknown = doc;
  for (const token of parsePointer(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[token];
  }
  return current;
}
