import { describe, expect, it } from 'vitest';
import { approvalKey, keysText, signProblem, signatureText } from './ApprovalsPage.tsx';
import type { Signature } from './api.ts';

describe('the approvals page helpers', () => {
  it('names an approval by its run and node', () => {
    expect(approvalKey({ runId: '12', nodeId: 'qa' })).toBe('12/qa');
  });

  it('shows business keys on one line', () => {
    expect(keysText({ lot: 'L-77', order: 9 })).toBe('lot: L-77, order: 9');
    expect(keysText(null)).toBe('');
    expect(keysText(['a'])).toBe('["a"]');
  });

  it('says what the signing form lacks, in order', () => {
    const ok = { decision: 'approved', confirmed: true, reason: 'CoA checked', password: 'pw' };
    expect(signProblem(ok)).toBeUndefined();
    expect(signProblem({ ...ok, decision: undefined })).toMatch(/approve or reject/);
    expect(signProblem({ ...ok, confirmed: false })).toMatch(/meaning/);
    expect(signProblem({ ...ok, reason: ' no ' })).toMatch(/at least 3/);
    expect(signProblem({ ...ok, password: '' })).toMatch(/password/);
  });

  it('tells who signed what, with which meaning and when', () => {
    const s = {
      runId: '5',
      nodeId: 'qa',
      printedName: 'quinn',
      role: 'approver',
      meaning: 'batch release',
      decision: 'approved',
      signedAt: '2026-01-02T03:04:05.000Z',
    } as Signature;
    expect(signatureText(s)).toBe(
      'Signed: approved by quinn (approver) with the meaning "batch release" at 2026-01-02T03:04:05.000Z — run 5, node qa.',
    );
  });
});
