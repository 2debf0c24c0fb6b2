import { compare, isZero, subtract } from './decimal.ts';

/**
 * The heart of erp.set-stock-status: given the lot's stock as read from the ERP and the state
 * the step must ensure, which single movement is still missing — or none, or none possible.
 * Pure and vendor-neutral (canonical stock types and movement kinds; the adapter maps them to
 * SAP's 321/350/344/343/349), so every case is unit-tested without an ERP, and the node can run it
 * before posting, and again on the read-back to confirm the target state.
 */

export const MOVABLE_STOCK_TYPES = ['unrestricted', 'quality_inspection', 'blocked'] as const;
export type MovableStockType = (typeof MOVABLE_STOCK_TYPES)[number];

export type MovementKind =
  'qi_to_unrestricted' | 'qi_to_blocked' | 'unrestricted_to_blocked' | 'blocked_to_unrestricted' | 'blocked_to_qi';

/** from → to → movement. Unrestricted → quality inspection has none (SAP only reverses a 321). */
export const MOVEMENTS: Readonly<Record<MovableStockType, Partial<Record<MovableStockType, MovementKind>>>> = {
  quality_inspection: { unrestricted: 'qi_to_unrestricted', blocked: 'qi_to_blocked' },
  unrestricted: { blocked: 'unrestricted_to_blocked' },
  blocked: { unrestricted: 'blocked_to_unrestricted', quality_inspection: 'blocked_to_qi' },
};

export const MOVEMENT_ENDS: Readonly<Record<MovementKind, readonly [MovableStockType, MovableStockType]>> = {
  qi_to_unrestricted: ['quality_inspection', 'unrestricted'],
  qi_to_blocked: ['quality_inspection', 'blocked'],
  unrestricted_to_blocked: ['unrestricted', 'blocked'],
  blocked_to_unrestricted: ['blocked', 'unrestricted'],
  blocked_to_qi: ['blocked', 'quality_inspection'],
};

/**
 * The stock types that can feed a target, in the order tried when the step names no source:
 * quality inspection first, since a lot normally leaves QI by a decision about it.
 */
const SOURCES: Readonly<Record<MovableStockType, readonly MovableStockType[]>> = {
  unrestricted: ['quality_inspection', 'blocked'],
  blocked: ['quality_inspection', 'unrestricted'],
  quality_inspection: ['blocked'],
};

export interface StockTarget {
  readonly to: MovableStockType;
  /** Move only out of this stock type. */
  readonly from?: MovableStockType;
  /**
   * With a quantity: at least this much of the lot must be in `to` (stock already there counts,
   * so only the difference moves). Without: the whole lot — nothing may be left in the source
   * type(s), and something must be in `to`.
   */
  readonly quantity?: string;
}

export type StockByType = Readonly<Record<MovableStockType, string>>;

export type ImpossibleReason = 'same_type' | 'no_movement' | 'insufficient' | 'ambiguous_source';

export type StockDecision =
  | { readonly kind: 'already' }
  | {
      readonly kind: 'post';
      readonly movement: MovementKind;
      readonly from: MovableStockType;
      readonly to: MovableStockType;
      readonly qty: string;
    }
  | {
      readonly kind: 'impossible';
      readonly reason: ImpossibleReason;
      readonly message: string;
      /** For `insufficient`: how much was missing in `to`, and where it could have come from. */
      readonly missing?: string;
      readonly sources?: readonly MovableStockType[];
    };

const words = (t: MovableStockType) => t.replace('_', ' ');

export function decideStockMove(stock: StockByType, target: StockTarget): StockDecision {
  const { to, from, quantity } = target;
  if (from === to) return impossible('same_type', `The lot cannot be moved from ${words(to)} to itself.`);
  if (from && !MOVEMENTS[from][to])
    return impossible(
      'no_movement',
      `There is no transfer posting from ${words(from)} to ${words(to)}; move it to blocked first, or reverse the posting that released it.`,
    );
  const sources = from ? [from] : SOURCES[to];
  const post = (source: MovableStockType, qty: string): StockDecision => ({
    kind: 'post',
    movement: MOVEMENTS[source][to]!,
    from: source,
    to,
    qty,
  });

  if (quantity !== undefined) {
    if (compare(stock[to], quantity) >= 0) return { kind: 'already' };
    const missing = subtract(quantity, stock[to]);
    const source = sources.find((s) => compare(stock[s], missing) >= 0);
    if (source) return post(source, missing);
    return {
      ...impossible(
        'insufficient',
        `${missing} more is needed in ${words(to)}, and ${sources.map((s) => `${words(s)} holds ${stock[s]}`).join(', ')}.`,
      ),
      missing,
      sources,
    };
  }

  const holding = sources.filter((s) => !isZero(stock[s]));
  if (holding.length === 0) {
    if (!isZero(stock[to])) return { kind: 'already' };
    return {
      ...impossible(
        'insufficient',
        `The lot has no stock in ${sources.map(words).join(' or ')} to move to ${words(to)}, and none in ${words(to)} either.`,
      ),
      sources,
    };
  }
  if (holding.length > 1)
    return impossible(
      'ambiguous_source',
      `The lot is split between ${holding.map((s) => `${words(s)} (${stock[s]})`).join(' and ')}; set "from" to say which stock to move.`,
    );
  return post(holding[0]!, stock[holding[0]!]);
}

function impossible(reason: ImpossibleReason, message: string) {
  return { kind: 'impossible', reason, message } as const;
}
