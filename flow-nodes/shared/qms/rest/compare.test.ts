import { describe, expect, it } from 'vitest';
import { differences } from './compare.ts';

describe('a found duplicate compared with the request', () => {
  it('agrees when only the spelling differs: list order, trailing zeros, time zone, fields the QMS added', () => {
    expect(
      differences(
        {
          affectedLots: ['L-2', 'L-1'],
          quantity: { value: '480.000', uom: 'KGM' },
          dueAt: '2026-03-09T17:00:00+01:00',
          specRef: { id: 'S-1', version: '3' },
          affectedOrders: [],
        },
        {
          id: 'QE-1',
          state: 'opened',
          affectedLots: ['L-1', 'L-2'],
          quantity: { value: '0480.0', uom: 'KGM' },
          dueAt: '2026-03-09T16:00:00Z',
          specRef: { version: '3', id: 'S-1' },
        },
      ),
    ).toEqual([]);
  });

  it('names each field that says something else, with both values', () => {
    expect(
      differences(
        { lotId: 'L-1', quantity: { value: '480', uom: 'KGM' }, affectedLots: ['L-1'], materialId: 'FG-1' },
        { lotId: 'L-1', quantity: { value: '480', uom: 'LTR' }, affectedLots: ['L-1', 'L-9'] },
      ),
    ).toEqual([
      { field: 'quantity', sent: { value: '480', uom: 'KGM' }, found: { value: '480', uom: 'LTR' } },
      { field: 'affectedLots', sent: ['L-1'], found: ['L-1', 'L-9'] },
      { field: 'materialId', sent: 'FG-1', found: null },
    ]);
  });

  it('does not take two different texts for the same instant', () => {
    expect(differences({ description: 'a' }, { description: 'b' })).toHaveLength(1);
    expect(differences({ dueAt: '2026-03-09T17:00:00+01:00' }, { dueAt: '2026-03-09T17:00:00Z' })).toHaveLength(1);
  });
});
