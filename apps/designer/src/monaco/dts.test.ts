import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CANONICAL_SCHEMAS } from '@millrace/canonical';
import { canonicalContext, schemaToType, scopeDeclarations, type CanonicalSchema } from './dts.ts';

const none = { resolve: () => undefined };
const canonical = CANONICAL_SCHEMAS as unknown as CanonicalSchema[];

const libs = new Map<string, ts.SourceFile | undefined>();

/** Type-checks `code` (a JavaScript function body, as map code is) against the declarations. */
function diagnostics(declarations: string, code: string): string[] {
  const files: Record<string, string> = { '/scope.d.ts': declarations, '/code.js': `// @ts-check\n${code}` };
  const options: ts.CompilerOptions = {
    allowJs: true,
    checkJs: true,
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang) => {
    if (files[name] !== undefined) return ts.createSourceFile(name, files[name]!, lang);
    // The standard library parsed once for all tests: parsing it is most of the time.
    if (!libs.has(name)) libs.set(name, read(name, lang));
    return libs.get(name);
  };
  host.fileExists = (name) => files[name] !== undefined || ts.sys.fileExists(name);
  const program = ts.createProgram(Object.keys(files), options, host);
  // Syntactic and semantic both, as Monaco's worker reports them (getPreEmitDiagnostics stops
  // at syntax errors).
  return [...program.getSyntacticDiagnostics(), ...program.getGlobalDiagnostics(), ...program.getSemanticDiagnostics()]
    .filter((d) => d.code !== 1108) // `return` at the top level: map code is a function body.
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('JSON Schema to TypeScript', () => {
  it('writes objects with required and optional properties, arrays, enums, unions and JSDoc', () => {
    const type = schemaToType(
      {
        type: 'object',
        additionalProperties: false,
        required: ['lot'],
        properties: {
          lot: { type: 'string', description: 'The lot */ id.' },
          qty: { type: 'integer' },
          state: { enum: ['open', 'held'] },
          tags: { type: 'array', items: { type: 'string' } },
          'odd-name': { anyOf: [{ type: 'string' }, { type: 'null' }] },
        },
      },
      none,
    );
    expect(type).toBe(
      [
        '{',
        '  /** The lot *\\/ id. */',
        '  lot: string;',
        '  qty?: number;',
        '  state?: "open" | "held";',
        '  tags?: string[];',
        '  "odd-name"?: string | null;',
        '}',
      ].join('\n'),
    );
  });

  it('gives open objects an index signature and maps a Record type', () => {
    expect(schemaToType({ type: 'object', properties: { a: { type: 'number' } } }, none)).toContain(
      '[key: string]: unknown;',
    );
    expect(schemaToType({ type: 'object', additionalProperties: { type: 'string' } }, none)).toBe(
      'Record<string, string>',
    );
    expect(schemaToType({ type: 'object', patternProperties: { '^x': { type: 'number' } } }, none)).toBe(
      'Record<string, number>',
    );
  });

  it('resolves canonical references and $ids to Canonical types, and unknown ones to unknown', () => {
    const ctx = canonicalContext(canonical);
    expect(ctx.resolve('canonical:BatchCompletion@1')).toBe('Canonical.BatchCompletion_v1');
    expect(ctx.resolve('https://millrace.dev/schemas/canonical/BatchCompletion/1')).toBe(
      'Canonical.BatchCompletion_v1',
    );
    expect(schemaToType({ $ref: 'canonical:Nope@9' }, ctx)).toBe('unknown');
    expect(schemaToType({ type: 'array', items: { $ref: 'canonical:Material@1' } }, ctx)).toBe(
      'Canonical.Material_v1[]',
    );
  });

  it('writes a union of arrays with parentheses kept by Array<>', () => {
    expect(schemaToType({ type: 'array', items: { enum: ['a', 'b'] } }, none)).toBe('Array<"a" | "b">');
    expect(schemaToType({ type: ['string', 'null'] }, none)).toBe('string | null');
  });
});

describe('scope declarations', () => {
  const scope = scopeDeclarations({
    payloads: ['canonical:BatchCompletion@1'],
    params: { type: 'object', properties: { plantCode: { type: 'string' } }, required: ['plantCode'] },
    canonical,
  });

  it('compile, with every canonical schema, without errors', () => {
    expect(diagnostics(scope, 'return 1;')).toEqual([]);
  });

  it('type msg.payload from the upstream contract: a known field passes, a misspelt one is an error', () => {
    expect(
      diagnostics(scope, 'const lot = msg.payload.producedLot.lotId;\nreturn { lot, plant: params.plantCode };'),
    ).toEqual([]);
    // Not in a `return` expression: TypeScript does not check the expression of a top-level
    // return (the editor checks a function-wrapped copy for that).
    const errors = diagnostics(scope, 'const order = msg.payload.productionOrderID;\nreturn order;');
    expect(errors.join('\n')).toMatch(/Property 'productionOrderID' does not exist/);
  });

  it('type the sandbox helpers', () => {
    expect(diagnostics(scope, 'return helpers.decimal.add("1.5", msg.payload.schemaVersion);')).toEqual([]);
    expect(diagnostics(scope, 'const d = helpers.date.nope(1);\nreturn d;').join('\n')).toMatch(
      /Property 'nope' does not exist/,
    );
  });

  it('leave msg.payload unknown when the upstream contract is not known', () => {
    const open = scopeDeclarations({ payloads: [], canonical: [] });
    expect(open).toContain('readonly payload: unknown;');
    expect(diagnostics(open, 'return msg.payload;')).toEqual([]);
  });
});
