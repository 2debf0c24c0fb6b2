import { describe, expect, it } from 'vitest';
import type { Flow } from '@millrace/flow-model';
import { Refusal } from './api-lifecycle.ts';
import { unsavedChanges } from './PublishDialog.tsx';
import { refusalLists } from './RefusalDetails.tsx';

const FLOW = {
  schemaVersion: 1,
  id: 'f',
  name: 'F',
  version: '1.0.0',
  nodes: [{ id: 'hook', type: 'trigger.webhook', version: 1, config: { path: 'in' } }],
  edges: [],
} as unknown as Flow;

describe('the publish dialog', () => {
  it('says when the editor shows changes the saved draft does not have', () => {
    expect(unsavedChanges(FLOW, JSON.parse(JSON.stringify(FLOW)))).toBe(false);
    expect(unsavedChanges({ ...FLOW, name: 'G' }, FLOW)).toBe(true);
    // A saved draft that is not a flow yet cannot be what the editor shows.
    expect(unsavedChanges(FLOW, { id: 'f' })).toBe(true);
    expect(unsavedChanges(FLOW, null)).toBe(true);
  });

  it("lists a refusal's validation problems and its failing test cases only", () => {
    const invalid = new Refusal(422, 'the draft does not validate: 1 problem(s)', 'FLOW_INVALID', {
      problems: [{ pointer: '/nodes/1/config/source', message: 'has a syntax error', nodeId: 'stamp' }],
    });
    expect(refusalLists(invalid)).toEqual({
      problems: ['stamp: has a syntax error (/nodes/1/config/source)'],
      cases: [],
    });
    const failing = new Refusal(422, '1 test case(s) fail', 'FLOW_TESTS_FAILED', {
      cases: [
        { name: 'passes', ok: true, failures: [] },
        { name: 'parks', ok: false, failures: ['the run ended succeeded, expected dead_lettered'] },
      ],
    });
    expect(refusalLists(failing)).toEqual({
      problems: [],
      cases: [{ name: 'parks', failures: ['the run ended succeeded, expected dead_lettered'] }],
    });
    expect(refusalLists(new Error('offline'))).toEqual({ problems: [], cases: [] });
  });
});
