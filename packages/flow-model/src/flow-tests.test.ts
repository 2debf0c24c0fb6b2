import { describe, expect, it } from 'vitest';
import type { Flow } from './flow-schema.ts';
import { flowTestsFileOf, loadFlowTests } from './flow-tests.ts';

const flow: Flow = {
  schemaVersion: 1,
  id: 'orders',
  name: 'Orders',
  version: '1.0.0',
  connections: { erp: { type: 'sap-odata-v2' } },
  nodes: [
    { id: 'hook', type: 'trigger.webhook', version: 1, config: { path: 'orders', mode: 'async' } },
    { id: 'read', type: 'erp.get-order', version: 1, connection: 'erp', config: { orderNumber: 'msg.payload.order' } },
  ],
  edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'read', port: 'in' } }],
};

const tests = (cases: unknown[], extra: Record<string, unknown> = {}) => ({
  schemaVersion: 1,
  flow: 'orders',
  cases,
  ...extra,
});

describe('flow test files', () => {
  it('accepts a file whose nodes and slots are all in the flow', () => {
    const loaded = loadFlowTests(
      tests([
        {
          name: 'reads the order',
          event: { order: '1' },
          mocks: {
            erp: [{ request: { method: 'GET', path: "re:A_ProductionOrder_2\\('1'\\)" }, response: { json: {} } }],
          },
          expect: { status: 'succeeded', visits: ['read'], requests: { erp: [{ method: 'GET', path: 're:.*' }] } },
        },
      ]),
      { flow },
    );
    expect(loaded.ok).toBe(true);
  });

  it('points at every name the flow does not have: nodes, slots, the trigger, and a repeated case name', () => {
    const loaded = loadFlowTests(
      tests([
        { name: 'a', trigger: 'read', expect: { visits: ['gone'], deadLetter: { node: 'nope' } } },
        { name: 'a', mocks: { qms: [] }, expect: { requests: { mes: [] }, published: [{ slot: 'bus', topic: 't' }] } },
      ]),
      { flow },
    );
    expect(loaded.ok).toBe(false);
    const problems = loaded.ok ? [] : loaded.problems.map((p) => `${p.pointer}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        '/cases/0/trigger: "read" is not a trigger of flow orders (hook)',
        '/cases/0/expect/visits/0: "gone" is not a node of flow orders',
        '/cases/0/expect/deadLetter/node: "nope" is not a node of flow orders',
        '/cases/1/name: "a" is also the name of case 0',
        '/cases/1/mocks/qms: "qms" is not a connection slot of flow orders (slots: erp)',
        '/cases/1/expect/requests/mes: "mes" is not a connection slot of flow orders (slots: erp)',
        '/cases/1/expect/published/0/slot: "bus" is not a connection slot of flow orders (slots: erp)',
      ]),
    );
  });

  it('refuses a file for another flow, a bad shape and bad JSON, each with a pointer', () => {
    const other = loadFlowTests(tests([{ name: 'x', expect: {} }], { flow: 'invoices' }), { flow });
    expect(other.ok ? [] : other.problems).toEqual([
      { pointer: '/flow', message: 'is "invoices", but the flow is "orders"' },
    ]);
    const shape = loadFlowTests(tests([{ name: 'x', expect: { status: 'maybe' } }]));
    expect(shape.ok).toBe(false);
    expect(shape.ok ? '' : shape.problems[0]!.pointer).toBe('/cases/0/expect/status');
    const empty = loadFlowTests(tests([]));
    expect(empty.ok ? '' : empty.problems[0]!.pointer).toBe('/cases');
    expect(loadFlowTests('{"schemaVersion": 1,').ok).toBe(false);
  });

  it('names the test file of a flow file', () => {
    expect(flowTestsFileOf('flows/batch-release.flow.json')).toBe('flows/batch-release.tests.json');
  });
});
