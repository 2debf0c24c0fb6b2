import { describe, expect, it } from 'vitest';
import { add, compare, isZero, subtract } from './decimal.ts';
import {
  MOVABLE_STOCK_TYPES,
  MOVEMENT_ENDS,
  MOVEMENTS,
  decideStockMove,
  type MovableStockType,
  type StockByType,
  type StockDecision,
  type StockTarget,
} from './stock-decision.ts';

const stock = (u: string, qi: string, b: string): StockByType => ({
  unrestricted: u,
  quality_inspection: qi,
  blocked: b,
});

/** The stock after a decided movement, as the ERP would show it on the read-back. */
function apply(s: StockByType, d: Extract<StockDecision, { kind: 'post' }>): StockByType {
  return { ...s, [d.from]: subtract(s[d.from], d.qty), [d.to]: add(s[d.to], d.qty) };
}

describe('the movement table', () => {
  it('has the five QM transfer postings and nothing from unrestricted to quality inspection', () => {
    const pairs = MOVABLE_STOCK_TYPES.flatMap((from) =>
      MOVABLE_STOCK_TYPES.map((to) => [from, to, MOVEMENTS[from][to] ?? null] as const),
    ).filter(([from, to]) => from !== to);
    expect(pairs).toEqual([
      ['unrestricted', 'quality_inspection', null],
      ['unrestricted', 'blocked', 'unrestricted_to_blocked'],
      ['quality_inspection', 'unrestricted', 'qi_to_unrestricted'],
      ['quality_inspection', 'blocked', 'qi_to_blocked'],
      ['blocked', 'unrestricted', 'blocked_to_unrestricted'],
      ['blocked', 'quality_inspection', 'blocked_to_qi'],
    ]);
    for (const [kind, [from, to]] of Object.entries(MOVEMENT_ENDS)) expect(MOVEMENTS[from][to]).toBe(kind);
  });
});

describe('decideStockMove with a quantity', () => {
  it('posts the missing quantity out of quality inspection first (350 for a hold)', () => {
    expect(decideStockMove(stock('50', '480.000', '0'), { to: 'blocked', quantity: '480.000' })).toEqual({
      kind: 'post',
      movement: 'qi_to_blocked',
      from: 'quality_inspection',
      to: 'blocked',
      qty: '480.000',
    });
  });

  it('counts stock already in the target, so only the difference moves', () => {
    expect(decideStockMove(stock('0', '100', '20.000'), { to: 'blocked', quantity: '100' })).toMatchObject({
      kind: 'post',
      qty: '80.000',
    });
  });

  it('is already done when the target holds the quantity, whatever the other types hold', () => {
    expect(decideStockMove(stock('0', '480', '480.000'), { to: 'blocked', quantity: '480' })).toEqual({
      kind: 'already',
    });
    expect(decideStockMove(stock('0', '0', '500'), { to: 'blocked', quantity: '480.5' })).toEqual({ kind: 'already' });
  });

  it('falls back to the second source when the first cannot cover the missing quantity', () => {
    expect(decideStockMove(stock('200', '10', '0'), { to: 'blocked', quantity: '150' })).toMatchObject({
      kind: 'post',
      movement: 'unrestricted_to_blocked',
      qty: '150',
    });
  });

  it('takes only the named source, and says so when it holds too little', () => {
    const d = decideStockMove(stock('200', '10', '0'), { to: 'blocked', from: 'quality_inspection', quantity: '150' });
    expect(d).toMatchObject({
      kind: 'impossible',
      reason: 'insufficient',
      missing: '150',
      sources: ['quality_inspection'],
    });
    expect((d as { message: string }).message).toBe('150 more is needed in blocked, and quality inspection holds 10.');
  });

  it('never adds two sources together: one movement per step', () => {
    expect(decideStockMove(stock('60', '60', '0'), { to: 'blocked', quantity: '100' })).toMatchObject({
      kind: 'impossible',
      reason: 'insufficient',
      missing: '100',
      sources: ['quality_inspection', 'unrestricted'],
    });
  });

  it('compares decimals exactly, not as floats', () => {
    expect(decideStockMove(stock('0', '0.3', '0'), { to: 'blocked', quantity: '0.30000000000000004' })).toMatchObject({
      kind: 'impossible',
      reason: 'insufficient',
    });
    expect(decideStockMove(stock('0', '0', '0.300'), { to: 'blocked', quantity: '0.3' })).toEqual({ kind: 'already' });
  });
});

describe('decideStockMove for the whole lot', () => {
  it('moves everything in the one source type that holds stock', () => {
    expect(decideStockMove(stock('0', '480.000', '0'), { to: 'unrestricted' })).toEqual({
      kind: 'post',
      movement: 'qi_to_unrestricted',
      from: 'quality_inspection',
      to: 'unrestricted',
      qty: '480.000',
    });
    expect(decideStockMove(stock('200.000', '0', '0'), { to: 'blocked' })).toMatchObject({
      movement: 'unrestricted_to_blocked',
      qty: '200.000',
    });
    expect(decideStockMove(stock('0', '0', '20.000'), { to: 'quality_inspection' })).toMatchObject({
      movement: 'blocked_to_qi',
      qty: '20.000',
    });
  });

  it('is already done when no source holds anything and the target does', () => {
    expect(decideStockMove(stock('0', '0', '20.000'), { to: 'blocked' })).toEqual({ kind: 'already' });
    // Unrestricted stock is not a source for quality inspection, so it does not stand in the way.
    expect(decideStockMove(stock('5', '10', '0'), { to: 'quality_inspection' })).toEqual({ kind: 'already' });
  });

  it('refuses a lot with no stock at all, rather than call it done', () => {
    expect(decideStockMove(stock('0', '0', '0'), { to: 'blocked' })).toMatchObject({
      kind: 'impossible',
      reason: 'insufficient',
      message:
        'The lot has no stock in quality inspection or unrestricted to move to blocked, and none in blocked either.',
    });
  });

  it('asks for "from" when the lot is split between two sources', () => {
    expect(decideStockMove(stock('50.000', '100.000', '0'), { to: 'blocked' })).toMatchObject({
      kind: 'impossible',
      reason: 'ambiguous_source',
      message:
        'The lot is split between quality inspection (100.000) and unrestricted (50.000); set "from" to say which stock to move.',
    });
    expect(decideStockMove(stock('50.000', '100.000', '0'), { to: 'blocked', from: 'unrestricted' })).toMatchObject({
      kind: 'post',
      movement: 'unrestricted_to_blocked',
      qty: '50.000',
    });
  });
});

describe('decideStockMove refuses what no movement does', () => {
  it.each(MOVABLE_STOCK_TYPES)('from %s to itself', (type) => {
    expect(decideStockMove(stock('1', '1', '1'), { to: type, from: type })).toMatchObject({
      kind: 'impossible',
      reason: 'same_type',
    });
  });

  it('from unrestricted to quality inspection', () => {
    expect(
      decideStockMove(stock('10', '0', '0'), { to: 'quality_inspection', from: 'unrestricted', quantity: '10' }),
    ).toMatchObject({ kind: 'impossible', reason: 'no_movement' });
  });
});

describe('decideStockMove over every target, source and stock', () => {
  // Every stock type 0, 40 or 100; every target; every source or none; whole lot or 40 or 100.
  const amounts = ['0', '40.000', '100.000'];
  const stocks = amounts.flatMap((u) => amounts.flatMap((qi) => amounts.map((b) => stock(u, qi, b))));
  const sources: Array<MovableStockType | undefined> = [undefined, ...MOVABLE_STOCK_TYPES];
  const cases: Array<[StockByType, StockTarget]> = stocks.flatMap((s) =>
    MOVABLE_STOCK_TYPES.flatMap((to) =>
      sources.flatMap((from) =>
        [undefined, '40', '100'].map((quantity): [StockByType, StockTarget] => [
          s,
          { to, ...(from ? { from } : {}), ...(quantity ? { quantity } : {}) },
        ]),
      ),
    ),
  );

  it(`holds its promises in all ${cases.length} cases`, () => {
    const seen = new Set<string>();
    for (const [s, target] of cases) {
      const d = decideStockMove(s, target);
      seen.add(d.kind === 'impossible' ? `impossible:${d.reason}` : d.kind);
      const where = JSON.stringify({ s, target, d });
      if (d.kind === 'post') {
        // A real movement, out of a permitted source, never more than the source holds.
        expect(MOVEMENTS[d.from][d.to], where).toBe(d.movement);
        expect(d.to, where).toBe(target.to);
        if (target.from) expect(d.from, where).toBe(target.from);
        expect(isZero(d.qty), where).toBe(false);
        expect(compare(d.qty, s[d.from]) <= 0, where).toBe(true);
        // The read-back after the posting confirms the target state: the decision converges.
        expect(decideStockMove(apply(s, d), target), where).toEqual({ kind: 'already' });
      } else if (d.kind === 'already') {
        if (target.quantity) expect(compare(s[target.to], target.quantity) >= 0, where).toBe(true);
        else expect(isZero(s[target.to]), where).toBe(false);
      } else if (d.reason === 'insufficient' && target.quantity) {
        expect(compare(s[target.to], target.quantity) < 0, where).toBe(true);
      }
    }
    expect([...seen].sort()).toEqual([
      'already',
      'impossible:ambiguous_source',
      'impossible:insufficient',
      'impossible:no_movement',
      'impossible:same_type',
      'post',
    ]);
  });
});
