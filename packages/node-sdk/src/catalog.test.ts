import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { SecretRef } from '@millrace/flow-model';
import { buildCatalog, secretPointers, serializeCatalog } from './catalog.ts';
import { connectionSpec, nodeSpec } from './spec.ts';

const conn = connectionSpec({
  type: 'demo',
  title: 'Demo',
  description: 'd',
  schema: Type.Object({
    baseUrl: Type.String(),
    auth: Type.Union([
      Type.Object({ kind: Type.Literal('basic'), username: Type.String(), password: SecretRef }),
      Type.Object({ kind: Type.Literal('bearer'), token: SecretRef }),
    ]),
  }),
});

const node = nodeSpec({
  type: 'demo.call',
  version: 1,
  title: 'Call',
  description: 'd',
  category: 'connector',
  connection: { types: ['demo'] },
  config: Type.Object({ path: Type.String() }),
  input: Type.Unknown(),
  outputs: [{ id: 'out', label: 'Out', schema: 'canonical:BatchCompletion@1' }],
});

const trigger = nodeSpec({
  type: 'demo.trigger',
  version: 1,
  title: 'Trigger',
  description: 'd',
  category: 'trigger',
  config: Type.Object({}),
  input: Type.Unknown(),
  outputs: [{ id: 'out', label: 'Out' }],
});

describe('node catalog', () => {
  it('gives nodes an "in" port and an error port, and triggers neither', () => {
    const catalog = buildCatalog([node, trigger], [conn]);
    const call = catalog.nodes.find((n) => n.type === 'demo.call')!;
    expect(call.inputs.map((p) => p.id)).toEqual(['in']);
    expect(call.errorPort).toBe(true);
    expect(call.entry).toBe(false);
    expect(call.connection).toEqual({ types: ['demo'], required: true });
    const t = catalog.nodes.find((n) => n.type === 'demo.trigger')!;
    expect(t.inputs).toEqual([]);
    expect(t.errorPort).toBe(false);
    expect(t.entry).toBe(true);
  });

  it('lists the secret fields of a connection type, through unions', () => {
    const catalog = buildCatalog([], [conn]);
    expect(catalog.connectionTypes[0]!.secretFields).toEqual(['/auth/password', '/auth/token']);
    expect(secretPointers({ type: 'object', properties: {} })).toEqual([]);
  });

  it('holds plain JSON only: no functions, no TypeBox symbols', () => {
    const catalog = buildCatalog([node, trigger], [conn]);
    expect(JSON.parse(serializeCatalog(catalog))).toEqual(catalog);
  });

  it('is the same text whatever order the definitions come in', () => {
    expect(serializeCatalog(buildCatalog([node, trigger], [conn]))).toBe(
      serializeCatalog(buildCatalog([trigger, node], [conn])),
    );
  });

  it('refuses a node type declared twice and a node naming an unknown connection type', () => {
    expect(() => buildCatalog([node, node], [conn])).toThrow('node type demo.call@1 is declared twice');
    expect(() => buildCatalog([node], [])).toThrow('names unknown connection type "demo"');
  });

  it('refuses a declaration with a reserved or repeated port', () => {
    expect(() => nodeSpec({ ...node, outputs: [{ id: 'error', label: 'E' }] })).toThrow('"error" is reserved');
    expect(() =>
      nodeSpec({
        ...node,
        outputs: [
          { id: 'a', label: 'A' },
          { id: 'a', label: 'A' },
        ],
      }),
    ).toThrow('declared twice');
    expect(() => nodeSpec({ ...node, type: 'Bad Type' })).toThrow('type id');
  });
});
