// Every node refuses a bad config at publish time, naming the field: one case per node type of
// this package's core and flow-control nodes (connector nodes test theirs beside their code).
import { describe, expect, it } from 'vitest';
import { validateFlowPublishable, type Catalog, type Flow } from '@millrace/flow-model';
import catalogJson from './catalog.json' with { type: 'json' };

const catalog = catalogJson as unknown as Catalog;

interface Case {
  readonly type: string;
  readonly config: Record<string, unknown>;
  readonly pointer: string;
  readonly connection?: string;
  readonly trigger?: boolean;
}

const cases: Case[] = [
  { type: 'trigger.webhook', trigger: true, config: { mode: 'sometimes' }, pointer: '/nodes/0/config/mode' },
  { type: 'trigger.schedule', trigger: true, config: { missed: 'run-once' }, pointer: '/nodes/0/config/cron' },
  {
    type: 'trigger.poll',
    trigger: true,
    connection: 'http',
    config: { path: '/changes', intervalMs: 10 },
    pointer: '/nodes/0/config/intervalMs',
  },
  { type: 'map', config: { mode: 'fields' }, pointer: '/nodes/1/config/fields' },
  { type: 'route', config: { routes: [] }, pointer: '/nodes/1/config/routes' },
  { type: 'validate', config: {}, pointer: '/nodes/1/config/schema' },
  { type: 'dead-letter', config: { code: 'X' }, pointer: '/nodes/1/config/reason' },
  { type: 'respond', config: { status: 99 }, pointer: '/nodes/1/config/status' },
  { type: 'retry', config: { maxAttempts: 0 }, pointer: '/nodes/1/config/maxAttempts' },
  { type: 'http.request', connection: 'http', config: { method: 'POST' }, pointer: '/nodes/1/config/path' },
  {
    type: 'wait.event',
    config: { channel: 'QMS Decisions', key: 'msg.payload.id' },
    pointer: '/nodes/1/config/channel',
  },
  { type: 'signal', config: { channel: 'qms.decided' }, pointer: '/nodes/1/config/key' },
  { type: 'approval', config: {}, pointer: '/nodes/1/config/meaning' },
  { type: 'split', config: { maxItems: 0 }, pointer: '/nodes/1/config/maxItems' },
  { type: 'dedupe', config: { key: 'msg.payload.id', windowMs: 10 }, pointer: '/nodes/1/config/windowMs' },
  {
    type: 'notify',
    connection: 'http',
    config: { severity: 'loud', title: '"x"' },
    pointer: '/nodes/1/config/severity',
  },
];

function flowWith(c: Case): Flow {
  const node = { id: 'n', type: c.type, version: 1, config: c.config, ...(c.connection ? { connection: 'conn' } : {}) };
  const hook = { id: 'hook', type: 'trigger.webhook', version: 1, config: {} };
  return {
    schemaVersion: 1,
    id: 'cfg',
    name: 'config check',
    version: '1.0.0',
    ...(c.connection ? { connections: { conn: { type: c.connection } } } : {}),
    nodes: c.trigger ? [node] : [hook, node],
    edges: c.trigger ? [] : [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'n', port: 'in' } }],
  };
}

describe('publishable validation of node configs', () => {
  it('covers every node type of the catalog that is not a connector tested beside its code', () => {
    expect(cases.every((c) => catalog.nodes.some((n) => n.type === c.type))).toBe(true);
  });
  for (const c of cases) {
    it(`names the field of a bad ${c.type} config`, () => {
      const problems = validateFlowPublishable(flowWith(c), { catalog });
      const own = problems.filter((p) => p.pointer.startsWith(c.pointer));
      expect(own.length, JSON.stringify(problems)).toBeGreaterThan(0);
      expect(own[0]!.nodeId).toBe('n');
      expect(own[0]!.message.length).toBeGreaterThan(5);
    });
  }
});
