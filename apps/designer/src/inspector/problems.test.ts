import { describe, expect, it } from 'vitest';
import type { Flow } from '@millrace/flow-model';
import { buildForm } from './form-model.ts';
import { fieldMessages, nodeProblems } from './problems.ts';

const FLOW = {
  schemaVersion: 1,
  id: 'f',
  name: 'F',
  version: '1.0.0',
  nodes: [
    { id: 'a', type: 'map', version: 1, config: {} },
    { id: 'b', type: 'map', version: 1, config: {} },
  ],
  edges: [],
} as Flow;

describe('inspector problems', () => {
  it('takes the problems under the node and those naming it, with node-relative pointers', () => {
    const mine = nodeProblems(FLOW, 'b', [
      { pointer: '/nodes/1/config/source', message: 'is required' },
      { pointer: '/nodes/10/config', message: 'another node' },
      { pointer: '/nodes/0/config', message: 'node a' },
      { pointer: '/edges/0/to/node', message: 'names b', nodeId: 'b' },
    ]);
    expect(mine).toEqual([
      { pointer: '/config/source', message: 'is required' },
      { pointer: '', message: 'names b', nodeId: 'b' },
    ]);
  });

  it('names a syntax error of an expression once, though the server reports it too', () => {
    const field = buildForm({ type: 'string', minLength: 1, 'x-expression': true }, 'msg.payload.', '/config/when');
    const syntax = fieldMessages(field, new Map())[0]!;
    expect(syntax).toMatch(/^has a syntax error in its JavaScript expression at line 1/);
    expect(fieldMessages(field, new Map([['/config/when', [syntax, 'is odd']]]))).toEqual([syntax, 'is odd']);
  });

  it('leaves a plain text field with the same text alone', () => {
    const field = buildForm({ type: 'string' }, 'msg.payload.', '/config/label');
    expect(fieldMessages(field, new Map())).toEqual([]);
  });
});
