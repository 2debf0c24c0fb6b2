import { describe, expect, it } from 'vitest';
import { allowedNext, canTransition, CANONICAL_SCHEMAS, STATE_MACHINES } from './index.ts';
import { defineMachine } from './state-machine.ts';

describe('canTransition', () => {
  it('lets a CAPA be cancelled from any open state', () => {
    for (const from of ['initiated', 'plan_approved', 'implementing', 'effectiveness_check']) {
      expect(canTransition('CAPA', from, 'cancelled'), from).toBe(true);
    }
  });

  it('does not cancel a CAPA that is already closed', () => {
    expect(canTransition('CAPA', 'closed_effective', 'cancelled')).toBe(false);
    expect(canTransition('CAPA', 'closed_ineffective', 'cancelled')).toBe(false);
  });

  it('lets a released lot go on hold', () => {
    expect(canTransition('MaterialLot', 'released', 'on_hold')).toBe(true);
  });

  it('never releases a rejected lot', () => {
    expect(canTransition('MaterialLot', 'rejected', 'released')).toBe(false);
  });

  it('lets any lot that still exists expire, but not a scrapped one', () => {
    for (const from of ['pending', 'quarantine', 'released', 'on_hold', 'rejected']) {
      expect(canTransition('MaterialLot', from, 'expired'), from).toBe(true);
    }
    expect(canTransition('MaterialLot', 'scrapped', 'expired')).toBe(false);
  });

  it('does not skip the review of a release', () => {
    expect(canTransition('ReleaseRecord', 'pending', 'released')).toBe(false);
    expect(canTransition('ReleaseRecord', 'under_review', 'released')).toBe(true);
  });

  it('retries a failed stock posting by requesting it again', () => {
    expect(canTransition('StockPosting', 'failed', 'requested')).toBe(true);
    expect(canTransition('StockPosting', 'failed', 'posted')).toBe(false);
  });

  it('escalates a supplier case from an open stage but not from draft', () => {
    expect(canTransition('SupplierQualityCase', 'acknowledged', 'escalated')).toBe(true);
    expect(canTransition('SupplierQualityCase', 'draft', 'escalated')).toBe(false);
  });

  it('reopens a closed quality event instead of cancelling it', () => {
    expect(canTransition('QualityEvent', 'closed', 'cancelled')).toBe(false);
    expect(canTransition('QualityEvent', 'closed', 'reopened')).toBe(true);
  });

  it('answers false for staying in the same state', () => {
    expect(canTransition('CAPA', 'implementing', 'implementing')).toBe(false);
  });

  it('answers false for an unknown entity or state', () => {
    expect(canTransition('Nope', 'a', 'b')).toBe(false);
    expect(canTransition('CAPA', 'nope', 'cancelled')).toBe(false);
    expect(canTransition('CAPA', 'initiated', 'nope')).toBe(false);
    expect(canTransition('CAPA', 'toString', 'cancelled')).toBe(false);
  });
});

describe('allowedNext', () => {
  it('lists the states a CAPA may move to', () => {
    expect(allowedNext('CAPA', 'implementing')).toEqual(['effectiveness_check', 'cancelled']);
  });

  it('returns nothing from a terminal state', () => {
    expect(allowedNext('MaterialLot', 'scrapped')).toEqual([]);
    expect(allowedNext('InspectionLot', 'closed')).toEqual([]);
  });

  it('returns nothing for an unknown entity or state', () => {
    expect(allowedNext('Nope', 'draft')).toEqual([]);
    expect(allowedNext('Material', 'nope')).toEqual([]);
  });

  it('returns a copy the caller may change without changing the lifecycle', () => {
    allowedNext('Material', 'draft').push('obsolete-by-mistake');
    expect(allowedNext('Material', 'draft')).toEqual(['active', 'obsolete']);
  });
});

describe('STATE_MACHINES', () => {
  const machines = Object.entries(STATE_MACHINES);

  it('covers the twelve canonical entities with a lifecycle', () => {
    expect(machines.map(([name]) => name).sort()).toEqual(
      [
        'BatchCompletion',
        'CAPA',
        'InspectionLot',
        'InspectionResult',
        'InspectionSpecification',
        'Material',
        'MaterialLot',
        'ProductionOrder',
        'QualityEvent',
        'ReleaseRecord',
        'StockPosting',
        'SupplierQualityCase',
      ].sort(),
    );
  });

  it('lists every state as a key of its transition table, and only its own states as targets', () => {
    for (const [name, m] of machines) {
      expect(Object.keys(m.transitions).sort(), name).toEqual([...m.states].sort());
      for (const targets of Object.values(m.transitions) as string[][]) {
        for (const to of targets) expect(m.states, `${name} → ${to}`).toContain(to);
      }
    }
  });

  it('can reach every state from the initial one', () => {
    for (const [name, m] of machines) {
      const seen = new Set<string>([m.initial]);
      const queue: string[] = [m.initial];
      while (queue.length > 0) {
        for (const to of allowedNext(name, queue.shift()!)) {
          if (seen.has(to)) continue;
          seen.add(to);
          queue.push(to);
        }
      }
      expect([...seen].sort(), name).toEqual([...m.states].sort());
    }
  });

  it('uses the same state list as the status enum of the entity schema', () => {
    for (const [name, m] of machines) {
      const schema = CANONICAL_SCHEMAS.find((e) => e.name === name)!.schema as {
        properties: Record<string, { enum?: string[] }>;
      };
      expect(schema.properties[m.field]?.enum, name).toEqual(m.states);
    }
  });

  it('is frozen, so no caller can change a lifecycle for everyone', () => {
    expect(Object.isFrozen(STATE_MACHINES.CAPA.transitions)).toBe(true);
    expect(Object.isFrozen(STATE_MACHINES.CAPA.transitions.initiated)).toBe(true);
  });
});

describe('defineMachine', () => {
  it('refuses a transition to a state that is not in the list', () => {
    expect(() =>
      defineMachine({ entity: 'X', states: ['a', 'b'], initial: 'a', transitions: { a: ['c' as 'b'] } }),
    ).toThrow('X lifecycle: "c" in transitions of "a" is not one of its states');
  });

  it('expands an any-state rule into every state but the excepted ones and the target itself', () => {
    const m = defineMachine({
      entity: 'X',
      states: ['a', 'b', 'c', 'gone'],
      initial: 'a',
      transitions: { a: ['b'] },
      fromAny: [{ to: 'gone', except: ['c'] }],
    });
    expect(m.transitions).toEqual({ a: ['b', 'gone'], b: ['gone'], c: [], gone: [] });
    expect(m.terminal).toEqual(['c', 'gone']);
  });
});
