import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Catalog, CatalogNodeType } from '@millrace/flow-model';
import { code, discriminator, fieldTables, renderFieldTables, renderTable, typeWords } from './node-docs-schema.ts';
import { firstSentence, nodeDocFiles, renderNodeDocs } from './node-docs.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const secret = {
  type: 'object',
  'x-secret': true,
  properties: { secret: { type: 'string' } },
  required: ['secret'],
};

const node: CatalogNodeType = {
  type: 'demo.send',
  version: 2,
  title: 'Send',
  description: 'Sends things. More words here.',
  category: 'connector',
  inputs: [{ id: 'in', label: 'In' }],
  outputs: [{ id: 'out', label: 'Sent', description: 'payload = the answer' }],
  dynamicOutputs: { configPointer: '/routes', portField: 'port' },
  errorPort: true,
  entry: false,
  connection: { types: ['demo-conn'], required: true },
  sideEffect: true,
  pure: false,
  config: {
    type: 'object',
    required: ['routes'],
    properties: {
      pattern: { type: 'string', pattern: '^a|b`c$', description: 'A <tag> | pipe.' },
      routes: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', required: ['port'], properties: { port: { type: 'string', minLength: 1 } } },
      },
      auth: {
        anyOf: [
          { type: 'object', title: 'None', properties: { kind: { const: 'none', type: 'string' } } },
          {
            type: 'object',
            properties: { kind: { const: 'basic', type: 'string' }, password: secret },
            required: ['kind', 'password'],
          },
        ],
        default: { kind: 'none' },
      },
    },
  },
  input: {},
  errors: [{ code: 'DEMO_FAILED', category: 'remote', description: 'It failed.' }],
};

const catalog: Catalog = {
  catalogVersion: 1,
  nodes: [node, { ...node, version: 1 }],
  connectionTypes: [
    {
      type: 'demo-conn',
      title: 'Demo',
      description: 'A demo endpoint.',
      schema: { type: 'object', properties: { password: secret }, required: ['password'] },
      secretFields: ['/password'],
    },
  ],
};

describe('node reference: schema to field tables', () => {
  it('walks nested arrays of objects and documents each variant of a union by its discriminator', () => {
    const tables = fieldTables(node.config);
    expect(tables.map((t) => t.title)).toEqual([
      null,
      '`auth` when `auth.kind` is `"none"` (None)',
      '`auth` when `auth.kind` is `"basic"`',
    ]);
    expect(tables[0]!.rows.map((r) => [r.path, r.type, r.required])).toEqual([
      ['pattern', 'string', false],
      ['routes', 'array of objects, at least 1 item', true],
      ['routes[].port', 'string, not empty', true],
      ['auth', 'object, one of 2 variants by `kind`', false],
    ]);
    expect(tables[2]!.rows.map((r) => r.type)).toEqual(['`"basic"`', 'secret reference `{ "secret": "NAME" }`']);
  });

  it('documents a config that is itself a union, noting the variant chosen by default', () => {
    const tables = fieldTables({
      type: 'object',
      anyOf: [
        { type: 'object', properties: { mode: { const: 'code', default: 'code' }, source: { type: 'string' } } },
        { type: 'object', properties: { mode: { const: 'fields' } }, required: ['mode'] },
      ],
    });
    expect(tables.map((t) => t.title)).toEqual(['config when `mode` is `"code"`', 'config when `mode` is `"fields"`']);
    expect(tables[0]!.intro).toContain('is the default');
  });

  it('prefers kind, then mode, as the discriminator, and needs a distinct constant in every variant', () => {
    const v = (kind: string, mode: string) => ({
      type: 'object',
      properties: { mode: { const: mode }, kind: { const: kind } },
    });
    expect(discriminator([v('a', 'x'), v('b', 'x')])).toBe('kind');
    expect(discriminator([v('a', 'x'), v('a', 'y')])).toBe('mode');
    expect(discriminator([v('a', 'x'), v('a', 'x')])).toBeUndefined();
  });

  it('says types in words: ranges, enums, maps, expressions', () => {
    expect(typeWords({ type: 'integer', minimum: 1, maximum: 10 })).toBe('integer, 1–10');
    expect(typeWords({ anyOf: [{ const: 'a' }, { const: 'b' }] })).toBe('one of `"a"`, `"b"`');
    expect(typeWords({ type: 'object', patternProperties: { '.*': { type: 'string', 'x-expression': true } } })).toBe(
      'object, name → expression',
    );
    expect(typeWords({})).toBe('any JSON');
  });

  it('keeps pipes, backticks and angle brackets from breaking a table', () => {
    expect(code('a`b')).toBe('`` a`b ``');
    const md = renderFieldTables(fieldTables(node.config), 3);
    expect(md).toContain('A &lt;tag&gt; \\| pipe. Matches `` ^a\\|b`c$ ``.');
    expect(renderTable(['a'], [['x|y']])).toBe('| a |\n| --- |\n| x\\|y |');
  });
});

describe('node reference pages', () => {
  const files = renderNodeDocs(catalog);
  const page = (path: string) => files.find((f) => f.path === path)!.content;

  it('writes an index, a page per node type and one per connection type', () => {
    expect(files.map((f) => f.path)).toEqual([
      'docs/nodes/README.md',
      'docs/nodes/demo.send.md',
      'docs/nodes/connections/demo-conn.md',
    ]);
    expect(page('docs/nodes/README.md')).toContain(
      '| [`demo.send`](demo.send.md) | Send | connector | Sends things. |',
    );
  });

  it('shows ports (dynamic and error too), behaviour, connection, config and errors, newest version first', () => {
    const md = page('docs/nodes/demo.send.md');
    expect(md).toContain('Versions: 2, 1.');
    expect(md.indexOf('## Version 2')).toBeLessThan(md.indexOf('## Version 1'));
    expect(md).toContain("one more port per item of the config's `routes` array");
    expect(md).toContain('Error: `error`');
    expect(md).toContain('| Behaviour | side effect');
    expect(md).toContain('[`demo-conn`](connections/demo-conn.md) (required)');
    expect(md).toContain('| `DEMO_FAILED` | remote | It failed. |');
  });

  it('lists the node types that use a connection type and its secret fields', () => {
    const md = page('docs/nodes/connections/demo-conn.md');
    expect(md).toContain('| Used by | [`demo.send`](../demo.send.md) |');
    expect(md).toContain('| Secret fields | `/password` |');
  });

  it('is the same text whatever order the catalog lists things in', () => {
    const reversed = { ...catalog, nodes: [...catalog.nodes].reverse() };
    expect(renderNodeDocs(reversed)).toEqual(files);
  });

  it('cuts the index description at the first sentence', () => {
    expect(firstSentence('Calls an endpoint. Then more.')).toBe('Calls an endpoint.');
    expect(firstSentence('Answers 202 (e.g. async). Then more.')).toBe('Answers 202 (e.g. async).');
  });
});

describe('docs/nodes', () => {
  it('holds no page the generator no longer writes (delete a stale one when this fails)', async () => {
    const generated = new Set((await nodeDocFiles()).map((f) => f.path));
    const dir = join(root, 'docs/nodes');
    const onDisk: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else onDisk.push(relative(root, join(d, e.name)).split('\\').join('/'));
      }
    };
    if (existsSync(dir)) walk(dir);
    expect(onDisk.filter((p) => !generated.has(p))).toEqual([]);
  });
});
