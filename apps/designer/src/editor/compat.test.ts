import { describe, expect, it } from 'vitest';
import { CATALOG, flowOf } from './catalog.test-helper.ts';
import { checkConnection } from './compat.ts';
import { connect } from './graph.ts';

const flow = flowOf([
  ['hook', 'trigger.webhook'],
  ['m', 'map'],
  ['m2', 'map'],
  ['src', 'batch.source'],
  ['batch', 'batch.sink'],
  ['order', 'order.sink'],
  ['r', 'route', { routes: [{ port: 'big', when: 'true' }] }],
]);
const attempt = (source: string, sourceHandle: string, target: string, targetHandle: string) => ({
  source,
  sourceHandle,
  target,
  targetHandle,
});

describe('connection rules', () => {
  it('accepts an output port into an input port', () => {
    expect(checkConnection(flow, CATALOG, attempt('hook', 'out', 'm', 'in'))).toEqual({
      ok: true,
      from: { node: 'hook', port: 'out' },
      to: { node: 'm', port: 'in' },
    });
  });

  it('refuses a node connected to itself', () => {
    const v = checkConnection(flow, CATALOG, attempt('m', 'out', 'm', 'in'));
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/itself/) });
  });

  it('refuses a wire into a trigger, which takes no input', () => {
    const v = checkConnection(flow, CATALOG, attempt('m', 'out', 'hook', 'in'));
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/takes no input/) });
  });

  it('refuses a wire from an input port', () => {
    const v = checkConnection(flow, CATALOG, attempt('m', 'in', 'm2', 'in'));
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/from an output port/) });
  });

  it('refuses a wire into an output port', () => {
    const v = checkConnection(flow, CATALOG, attempt('m', 'out', 'm2', 'out'));
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/to an input port/) });
  });

  it('refuses an edge that is there already', () => {
    const wired = connect(flow, { node: 'hook', port: 'out' }, { node: 'm', port: 'in' });
    const v = checkConnection(wired, CATALOG, attempt('hook', 'out', 'm', 'in'));
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/already/) });
  });

  it('refuses an edge into a port of another schema, naming both', () => {
    const v = checkConnection(flow, CATALOG, attempt('src', 'out', 'order', 'in'));
    expect(v).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/sends canonical:Batch@1, but .* expects canonical:Order@1/),
    });
  });

  it('accepts ports of the same schema, and a typed port into an untyped one or back', () => {
    expect(checkConnection(flow, CATALOG, attempt('src', 'out', 'batch', 'in')).ok).toBe(true);
    expect(checkConnection(flow, CATALOG, attempt('src', 'out', 'm', 'in')).ok).toBe(true);
    expect(checkConnection(flow, CATALOG, attempt('m', 'out', 'order', 'in')).ok).toBe(true);
  });

  it("accepts a route's ports named by its config, and a node's error port", () => {
    expect(checkConnection(flow, CATALOG, attempt('r', 'big', 'm', 'in')).ok).toBe(true);
    expect(checkConnection(flow, CATALOG, attempt('r', 'small', 'm', 'in'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no output port "small"/),
    });
    expect(checkConnection(flow, CATALOG, attempt('m', 'error', 'm2', 'in')).ok).toBe(true);
  });

  it('refuses a node of a type the catalog does not know', () => {
    const odd = { ...flow, nodes: [...flow.nodes, { id: 'x', type: 'nope', version: 1, config: {} }] };
    expect(checkConnection(odd, CATALOG, attempt('x', 'out', 'm', 'in'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/unknown/),
    });
  });

  it('refuses a wire dropped nowhere', () => {
    expect(checkConnection(flow, CATALOG, { source: 'm', sourceHandle: 'out', target: null }).ok).toBe(false);
  });
});
