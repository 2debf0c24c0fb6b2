/**
 * The node reference, `docs/nodes/`, generated from the node catalog so that it cannot drift
 * from the node definitions: an index (README.md), one page per node type and one per
 * connection type. Written by `npm run generate`; scripts/generated.test.ts fails when stale.
 */
import type { Catalog, CatalogConnectionType, CatalogNodeType, CatalogPort, JsonSchema } from '@millrace/flow-model';
import { serializeCatalog } from '@millrace/node-sdk';
import { generateCatalog } from '@millrace/flow-nodes/scan';
import { code, fieldTables, prose, renderFieldTables, renderTable, typeWords } from './node-docs-schema.ts';

const DIR = 'docs/nodes';

const BANNER =
  '<!-- Generated from flow-nodes/catalog.json by scripts/node-docs.ts (`npm run generate`). ' +
  "Edit the node's definition.ts, not this file. -->";

/** Every page of the node reference, from the catalog exactly as catalog.json holds it. */
export async function nodeDocFiles(): Promise<Array<{ path: string; content: string }>> {
  // Through the committed text, so the pages describe catalog.json itself (same key order).
  const catalog = JSON.parse(serializeCatalog(await generateCatalog())) as Catalog;
  return renderNodeDocs(catalog);
}

export function renderNodeDocs(catalog: Catalog): Array<{ path: string; content: string }> {
  const byType = new Map<string, CatalogNodeType[]>();
  for (const n of catalog.nodes) byType.set(n.type, [...(byType.get(n.type) ?? []), n]);
  const types = [...byType.keys()].sort();
  const connections = [...catalog.connectionTypes].sort((a, b) => a.type.localeCompare(b.type));
  const files = [
    {
      path: `${DIR}/README.md`,
      content: indexPage(
        types.map((t) => newest(byType.get(t)!)),
        connections,
      ),
    },
  ];
  for (const type of types) {
    const versions = [...byType.get(type)!].sort((a, b) => b.version - a.version);
    files.push({ path: `${DIR}/${type}.md`, content: nodePage(versions) });
  }
  for (const c of connections) {
    const users = catalog.nodes.filter((n) => n.connection?.types.includes(c.type)).map((n) => n.type);
    files.push({ path: `${DIR}/connections/${c.type}.md`, content: connectionPage(c, [...new Set(users)].sort()) });
  }
  return files;
}

const newest = (versions: readonly CatalogNodeType[]) => versions.reduce((a, b) => (b.version > a.version ? b : a));

/** The first sentence, for the index. */
export function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(?=\s+[A-Z"(]|$)/s.exec(text.trim());
  return (match?.[1] ?? text).replace(/\s+/g, ' ').trim();
}

const page = (blocks: readonly string[]) => [BANNER, ...blocks].join('\n\n') + '\n';

function indexPage(nodes: readonly CatalogNodeType[], connections: readonly CatalogConnectionType[]): string {
  return page([
    '# Node reference',
    'Every node type a flow can use, and every connection type a plant profile can bind. A node in a ' +
      'flow names its type and version (`"type": "map", "version": 1`); its `config` must match the ' +
      "type's config table. See [the flow format](../flow-format.md) and [errors](../errors.md).",
    renderTable(
      ['Type', 'Title', 'Category', 'Description'],
      nodes.map((n) => [
        `[${code(n.type)}](${n.type}.md)`,
        prose(n.title),
        n.category,
        prose(firstSentence(n.description)),
      ]),
    ),
    '## Connection types',
    'A flow declares connection slots (`"connections": { "erp": { "type": "sap-odata-v2" } }`); a plant ' +
      'profile binds each slot to an endpoint with the fields below. Secrets are always references ' +
      '(`{ "secret": "NAME" }`), resolved at run time.',
    connections.length === 0
      ? 'None yet.'
      : renderTable(
          ['Type', 'Title', 'Description'],
          connections.map((c) => [
            `[${code(c.type)}](connections/${c.type}.md)`,
            prose(c.title),
            prose(firstSentence(c.description)),
          ]),
        ),
    '## Reading the tables',
    [
      '- **expression**: one JavaScript expression over `msg` (`msg.payload`, `msg.headers`) and `params`, ' +
        'run in the sandbox, e.g. `msg.payload.lotId`.',
      '- **javascript code**: a function body with `msg`, `params` and `helpers` in scope that `return`s a value; ' +
        'it runs in the sandbox.',
      '- **secret reference**: `{ "secret": "NAME" }`, never the secret itself.',
      '- **canonical schema reference**: `canonical:<Name>@<major>`, such as `canonical:BatchCompletion@1`.',
      '- `a.b` is field `b` of object `a`; `a[].b` is field `b` of each item of array `a`; `a.<name>` is any ' +
        'field name of the map `a`. Nested fields are required only when their parent is present.',
      '- **pure** nodes are deterministic and touch nothing outside the run; **side effect** nodes change ' +
        'something outside Millrace and get a stable idempotency key per step.',
    ].join('\n'),
  ]);
}

function nodePage(versions: readonly CatalogNodeType[]): string {
  const latest = versions[0]!;
  const blocks = [`# ${prose(latest.title)} (${code(latest.type)})`];
  if (versions.length === 1) blocks.push(...nodeVersion(latest, 2));
  else {
    blocks.push(`Versions: ${versions.map((v) => v.version).join(', ')}. Flows pin the version they were built for.`);
    for (const v of versions) blocks.push(`## Version ${v.version}`, ...nodeVersion(v, 3));
  }
  return page(blocks);
}

function behaviour(n: CatalogNodeType): string {
  if (n.pure) return 'pure: deterministic, no effect outside the run (may run again after a crash)';
  if (n.sideEffect) return 'side effect: changes something outside Millrace; each step gets a stable idempotency key';
  return 'not pure, no side effect outside Millrace';
}

function nodeVersion(n: CatalogNodeType, level: number): string[] {
  const h = (text: string, extra = 0) => `${'#'.repeat(level + extra)} ${text}`;
  const connection = n.connection
    ? `${n.connection.types.map((t) => `[${code(t)}](connections/${t}.md)`).join(' or ')} (${n.connection.required ? 'required' : 'optional'})`
    : 'none';
  const facts = renderTable(
    ['', ''],
    [
      ['Type', code(n.type)],
      ['Version', String(n.version)],
      ['Category', n.category],
      ['Connection', connection],
      ['Behaviour', behaviour(n)],
      ...(n.entry ? [['Entry', 'starts paths of the flow without an incoming edge']] : []),
    ],
  );
  return [
    prose(n.description),
    facts,
    h('Ports'),
    h('Input', 1),
    n.inputs.length === 0 ? 'None: this node starts runs.' : portTable(n.inputs, n.input),
    h('Outputs', 1),
    outputs(n),
    h('Config'),
    configSection(n.config, level + 1),
    h('Errors'),
    n.errors.length === 0
      ? 'No node-specific error codes; see [errors](../errors.md) for the categories every node may raise.'
      : renderTable(
          ['Code', 'Category', 'Description'],
          n.errors.map((e) => [code(e.code), e.category, prose(e.description)]),
        ),
  ];
}

function schemaWords(schema: string | JsonSchema | undefined): string {
  if (schema === undefined) return '';
  if (typeof schema === 'string') return code(schema);
  return Object.keys(schema).length === 0 ? 'any JSON' : `${typeWords(schema)}: ${code(JSON.stringify(schema))}`;
}

function portTable(ports: readonly CatalogPort[], payload?: JsonSchema): string {
  return renderTable(
    ['Port', 'Label', 'Description', 'Payload'],
    ports.map((p) => [
      code(p.id),
      prose(p.label),
      prose(p.description ?? ''),
      schemaWords(p.schema ?? payload) || 'any JSON',
    ]),
  );
}

function outputs(n: CatalogNodeType): string {
  const blocks: string[] = [];
  blocks.push(n.outputs.length === 0 ? 'No static output ports.' : portTable(n.outputs));
  const dyn = n.dynamicOutputs;
  if (dyn) {
    blocks.push(
      `Dynamic: one more port per item of the config's ${code(pointerPath(dyn.configPointer))} array, named by the ` +
        `item's ${code(dyn.portField)} field.`,
    );
  }
  if (n.errorPort) {
    blocks.push(
      'Error: `error`, used when the node\'s `onError` is `"route"`: a failure goes out of it as ' +
        '`{ error, input, source: { nodeId, type, attempt } }` instead of failing the run.',
    );
  }
  return blocks.join('\n\n');
}

/** `/routes` → `routes`, `/a/b` → `a.b`: the notation of the config tables. */
function pointerPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function configSection(schema: JsonSchema, level: number): string {
  const tables = fieldTables(schema);
  if (tables.length === 0) return 'No config: `{}`.';
  const intro = tables[0]!.title === null ? [] : ['The config is one of the variants below.'];
  return [...intro, renderFieldTables(tables, level)].join('\n\n');
}

function connectionPage(c: CatalogConnectionType, users: readonly string[]): string {
  const example = { type: c.type };
  return page([
    `# ${prose(c.title)} (${code(c.type)})`,
    prose(c.description),
    renderTable(
      ['', ''],
      [
        ['Connection type', code(c.type)],
        ['Used by', users.length === 0 ? 'no node type yet' : users.map((u) => `[${code(u)}](../${u}.md)`).join(', ')],
        ['Secret fields', c.secretFields.length === 0 ? 'none' : c.secretFields.map(code).join(', ')],
      ],
    ),
    '## Binding',
    `A plant profile binds a flow's connection slot with ${code(JSON.stringify(example).replace('}', ', …}'))} ` +
      'and the fields below. Secret fields take a secret reference, never the value.',
    renderFieldTables(fieldTables(c.schema), 3),
  ]);
}
