import { ConfigError, DataError, RemoteError, TransientError, type Logger } from '@millrace/node-sdk';
import { isTransient, neutral } from '../shared/erp/errors.ts';
import { decideStockMove, type StockTarget } from '../shared/erp/stock-decision.ts';
import type { CallOptions, ErpAdapter, LotKey, LotStock, PostedTransfer } from '../shared/erp/types.ts';

/**
 * Ensure-state for a lot's stock type. SAP takes no idempotency key on a goods movement, so a
 * blind retry after a timeout would post twice. Instead, every attempt of the step:
 *
 *  1. looks for a material document carrying this step's marker (an earlier attempt's posting
 *     whose answer was lost): if there is one, that is the result, and nothing is posted;
 *  2. reads the lot's stock and decides (decideStockMove) what is still missing;
 *  3. posts only that one movement, with the marker in the document header;
 *  4. reads the stock back and requires the target state.
 *
 * A POST that gets no answer (a timeout) leaves the ERP's state unknown: the step fails as
 * transient (ERP_STOCK_STATE_UNKNOWN) and the engine's retry starts again at 1.
 */

const NO_STOCK = { unrestricted: '0', quality_inspection: '0', blocked: '0' } as const;

export interface EnsureRequest {
  readonly lot: LotKey;
  readonly target: StockTarget;
  /** The unit the quantity is in; undefined means the stock's own (base) unit. */
  readonly uom?: string;
  readonly reasonCode?: string;
  readonly marker: string;
  readonly note: string;
}

export type EnsureResult =
  | {
      readonly outcome: 'posted';
      readonly transfer: PostedTransfer;
      /** Found by its marker: an earlier attempt posted it and its answer was lost. */
      readonly recovered: boolean;
      readonly stock: LotStock;
    }
  | { readonly outcome: 'already'; readonly stock: LotStock };

export async function ensureStockState(
  adapter: ErpAdapter,
  request: EnsureRequest,
  options: CallOptions,
  log: Logger,
): Promise<EnsureResult> {
  // A target no movement reaches (blocked to blocked, unrestricted to QI) is refused before any call.
  const unreachable = decideStockMove(NO_STOCK, request.target);
  if (unreachable.kind === 'impossible' && unreachable.reason !== 'insufficient')
    throw impossible(unreachable, request, { storageLocation: undefined, uom: undefined, byType: NO_STOCK });

  const earlier = await adapter.findTransfer(request.marker, request.lot, options);
  if (earlier) {
    log.info('stock posting found from an earlier attempt; nothing posted', { document: earlier.document });
    const stock = await adapter.readLotStock({ ...request.lot, storageLocation: earlier.storageLocation }, options);
    return { outcome: 'posted', transfer: earlier, recovered: true, stock };
  }

  const stock = await adapter.readLotStock(request.lot, options);
  if (request.uom !== undefined && stock.uom !== undefined && request.uom !== stock.uom) {
    throw new DataError(
      'ERP_UOM_MISMATCH',
      `The quantity is in ${request.uom}, but batch ${request.lot.batch} is kept in ${stock.uom}; give the quantity in ${stock.uom}.`,
      { details: { uom: request.uom, stockUom: stock.uom } },
    );
  }
  const decision = decideStockMove(stock.byType, request.target);
  if (decision.kind === 'already') return { outcome: 'already', stock };
  if (decision.kind === 'impossible') throw impossible(decision, request, stock);

  const storageLocation = stock.storageLocation!;
  let transfer: PostedTransfer;
  try {
    transfer = await adapter.postTransfer(
      {
        lot: { ...request.lot, storageLocation },
        movement: decision.movement,
        quantity: decision.qty,
        uom: stock.uom!,
        ...(request.reasonCode ? { reasonCode: request.reasonCode } : {}),
        marker: request.marker,
        note: request.note,
      },
      options,
    );
  } catch (thrown) {
    // An answer (429, 503, a refused CSRF token) means SAP did not take the posting: a plain
    // transient error. No answer (a timeout, a reset connection) means it may have.
    if (isTransient(thrown) && typeof thrown.details.status === 'number') throw thrown;
    throw unknownAfter(thrown, 'The posting', decision.movement);
  }

  let after: LotStock;
  try {
    after = await adapter.readLotStock({ ...request.lot, storageLocation }, options);
  } catch (thrown) {
    throw unknownAfter(thrown, 'Reading the stock back after the posting', decision.movement);
  }
  if (decideStockMove(after.byType, request.target).kind !== 'already') {
    throw new RemoteError(
      'ERP_STOCK_NOT_CONFIRMED',
      `Material document ${transfer.document.number}/${transfer.document.year} was posted, but the stock read back does not show the target state; check the batch in the ERP.`,
      { details: { document: transfer.document, before: stock.byType, after: after.byType, target: request.target } },
    );
  }
  return { outcome: 'posted', transfer, recovered: false, stock: after };
}

/**
 * A transient failure once the POST may have reached the ERP: whether it posted is unknown, and
 * only the next attempt's read can tell. Other failures (a business refusal) pass on.
 */
function unknownAfter(thrown: unknown, what: string, movement: string): unknown {
  if (!isTransient(thrown)) return neutral(thrown);
  return new TransientError(
    'ERP_STOCK_STATE_UNKNOWN',
    `${what} (${movement}) did not complete: ${thrown.message} Whether the ERP posted it is unknown; the next attempt reads the stock and the material documents before posting anything.`,
    {
      details: { ...thrown.details, vendorErrorCode: thrown.details.vendorErrorCode ?? thrown.code, movement },
      cause: thrown,
      ...(thrown.retryAfterMs === undefined ? {} : { retryAfterMs: thrown.retryAfterMs }),
    },
  );
}

function impossible(
  decision: Extract<ReturnType<typeof decideStockMove>, { kind: 'impossible' }>,
  request: EnsureRequest,
  stock: LotStock,
) {
  const { lot } = request;
  const details = {
    reason: decision.reason,
    material: lot.material,
    plant: lot.plant,
    batch: lot.batch,
    ...(stock.storageLocation ? { storageLocation: stock.storageLocation } : {}),
    stock: stock.byType,
    ...(stock.uom ? { uom: stock.uom } : {}),
    ...(decision.missing ? { missing: decision.missing } : {}),
  };
  const about = `Batch ${lot.batch} of ${lot.material} in ${lot.plant}: ${decision.message}`;
  switch (decision.reason) {
    case 'insufficient':
      return new RemoteError('ERP_STOCK_INSUFFICIENT', about, { details });
    case 'ambiguous_source':
      return new DataError('ERP_STOCK_SOURCE_AMBIGUOUS', about, { details });
    case 'same_type':
    case 'no_movement':
      return new ConfigError('ERP_MOVEMENT_UNSUPPORTED', decision.message, { details });
  }
}
