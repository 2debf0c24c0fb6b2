import { describe, expect, it } from 'vitest';
import { flowOf } from './catalog.test-helper.ts';
import { connect } from './graph.ts';
import { describeWhere, problemTarget, problemsByNode } from './problems.ts';

const flow = connect(
  flowOf([
    ['hook', 'trigger.webhook'],
    ['m', 'map'],
  ]),
  { node: 'hook', port: 'out' },
  { node: 'm', port: 'in' },
);

describe('problems on the canvas', () => {
  it('finds the node of a pointer into /nodes by its index', () => {
    expect(problemTarget({ pointer: '/nodes/1/config/source', message: 'x' }, flow)).toEqual({ nodeId: 'm' });
  });

  it("prefers the validator's nodeId", () => {
    expect(problemTarget({ pointer: '/nodes/0', message: 'x', nodeId: 'm' }, flow)).toEqual({ nodeId: 'm' });
  });

  it('points an edge problem at the edge and the node it leads to', () => {
    expect(problemTarget({ pointer: '/edges/0/to/port', message: 'x' }, flow)).toEqual({ edgeId: 'e1', nodeId: 'm' });
  });

  it('finds no node for flow-level problems, or for an index out of range', () => {
    expect(problemTarget({ pointer: '/settings/retry', message: 'x' }, flow)).toEqual({});
    expect(problemTarget({ pointer: '/nodes/7', message: 'x' }, flow)).toEqual({});
    expect(problemTarget({ pointer: '/nodes/0', message: 'x', file: 'plant P100' }, flow)).toEqual({});
  });

  it('groups problems by node', () => {
    const by = problemsByNode(
      [
        { pointer: '/nodes/1/config', message: 'a' },
        { pointer: '/nodes/1/config/source', message: 'b' },
        { pointer: '/name', message: 'c' },
      ],
      flow,
    );
    expect([...by.keys()]).toEqual(['m']);
    expect(by.get('m')!.map((p) => p.message)).toEqual(['a', 'b']);
  });

  it('says where a problem is', () => {
    expect(describeWhere({ pointer: '/nodes/1/config/source', message: 'x' }, flow)).toBe('node m › config/source');
    expect(describeWhere({ pointer: '/edges/0/from/port', message: 'x' }, flow)).toBe('edge e1 › from/port');
    expect(describeWhere({ pointer: '/settings/businessKeys/a~1b', message: 'x' }, flow)).toBe(
      'flow › settings/businessKeys/a/b',
    );
    expect(describeWhere({ pointer: '', message: 'x' }, flow)).toBe('flow');
  });
});
