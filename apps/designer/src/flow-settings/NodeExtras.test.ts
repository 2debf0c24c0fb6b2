import { describe, expect, it } from 'vitest';
import type { Flow } from '@millrace/flow-model';
import { nodeIdProblem, parseConfig } from './NodeExtras.tsx';

const FLOW = {
  schemaVersion: 1,
  id: 'f',
  name: 'F',
  version: '0.1.0',
  nodes: [
    { id: 'map-1', type: 'map', version: 1, config: {} },
    { id: 'check', type: 'validate', version: 1, config: {} },
  ],
  edges: [],
} as Flow;

describe('node rename and configuration JSON', () => {
  it('accepts a free, well-formed id and refuses a taken or malformed one with the reason', () => {
    expect(nodeIdProblem(FLOW, 'map-1', 'unwrap')).toBeUndefined();
    expect(nodeIdProblem(FLOW, 'map-1', 'map-1')).toBeUndefined();
    expect(nodeIdProblem(FLOW, 'map-1', 'check')).toBe('another node is called check');
    expect(nodeIdProblem(FLOW, 'map-1', '1st')).toMatch(/^a letter/);
    expect(nodeIdProblem(FLOW, 'map-1', 'has space')).toMatch(/^a letter/);
    expect(nodeIdProblem(FLOW, 'map-1', 'x'.repeat(65))).toMatch(/at most 64/);
  });

  it('reads a configuration object from JSON, and says why anything else is not one', () => {
    expect(parseConfig('{ "schema": "canonical:BatchCompletion@1" }')).toEqual({
      ok: true,
      value: { schema: 'canonical:BatchCompletion@1' },
    });
    expect(parseConfig('[1]')).toEqual({ ok: false, error: 'the configuration is a JSON object ({ … })' });
    expect(parseConfig('null')).toMatchObject({ ok: false });
    expect(parseConfig('{ "a": ')).toMatchObject({ ok: false, error: expect.stringMatching(/JSON/) });
  });
});
