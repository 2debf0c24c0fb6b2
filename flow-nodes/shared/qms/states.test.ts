import { describe, expect, it } from 'vitest';
import { canonicalChoice, canonicalStatus } from './states.ts';

describe('QMS states to canonical statuses', () => {
  it('reads canonical names in any spelling, and the names eQMS products use', () => {
    expect(canonicalStatus('InspectionLot', 'IN-PROGRESS')).toEqual({ status: 'in_inspection', known: true });
    expect(canonicalStatus('InspectionLot', 'Results Recorded')).toEqual({ status: 'results_recorded', known: true });
    expect(canonicalStatus('InspectionLot', 'Accept')).toEqual({ status: 'accepted', known: true });
    expect(canonicalStatus('QualityEvent', 'QA Approval')).toEqual({ status: 'pending_approval', known: true });
    expect(canonicalStatus('QualityEvent', 'voided')).toEqual({ status: 'cancelled', known: true });
    expect(canonicalStatus('CAPA', 'Effectiveness Verification')).toEqual({
      status: 'effectiveness_check',
      known: true,
    });
  });

  it('gives the initial state for a name it does not know, saying so', () => {
    expect(canonicalStatus('CAPA', 'closed')).toEqual({ status: 'initiated', known: false });
    expect(canonicalStatus('QualityEvent', undefined)).toEqual({ status: 'opened', known: false });
  });

  it('maps picklist values to the canonical spelling, or to nothing', () => {
    expect(canonicalChoice('Supplier Issue', ['deviation', 'supplier_issue'])).toBe('supplier_issue');
    expect(canonicalChoice('NCR', ['nonconformance'], { ncr: 'nonconformance' })).toBe('nonconformance');
    expect(canonicalChoice('HIGH', ['minor', 'major', 'critical'])).toBeUndefined();
  });
});
