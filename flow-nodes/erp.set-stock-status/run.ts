import type { StockPosting } from '@millrace/canonical';
import { defineNode, emit, type NodeResult } from '@millrace/node-sdk';
import { erpAdapterFor } from '../shared/erp/adapters.ts';
import { checkedCanonical } from '../shared/erp/canonical.ts';
import { nameBasedUuid, postingMarker } from '../shared/erp/ids.ts';
import { Inputs } from '../shared/erp/inputs.ts';
import { merged, stepCall } from '../shared/erp/output.ts';
import { isZero } from '../shared/erp/decimal.ts';
import { MOVABLE_STOCK_TYPES, MOVEMENT_ENDS, decideStockMove, type StockTarget } from '../shared/erp/stock-decision.ts';
import type { ErpAdapter, LotKey, LotStock } from '../shared/erp/types.ts';
import { DEFAULTS, definition } from './definition.ts';
import { ensureStockState, type EnsureResult } from './ensure.ts';

const BATCH = /^[A-Z0-9_-]{1,10}$/;
const CODE = /^[A-Za-z0-9_/.-]{1,40}$/;
const UOM = /^[A-Z0-9]{1,3}$/;
const REASON = /^\d{1,4}$/;

export const node = defineNode({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const config = ctx.config;
    const adapter = erpAdapterFor(ctx.connection, definition.type);
    const inputs = await Inputs.evaluate(ctx.code, {
      material: config.material ?? DEFAULTS.material,
      plant: config.plant ?? DEFAULTS.plant,
      batch: config.batch ?? DEFAULTS.batch,
      storageLocation: config.storageLocation,
      quantity: config.quantity,
      uom: config.uom,
      reason: config.reason,
      lotId: config.lotId ?? DEFAULTS.lotId,
      triggeredBy: config.triggeredBy?.id,
    });
    const lot: LotKey = {
      material: inputs.text('material', { pattern: CODE, hint: 'a material number' }),
      plant: inputs.text('plant', { pattern: CODE, hint: 'a plant code' }),
      batch: inputs.text('batch', {
        pattern: BATCH,
        hint: 'an ERP batch of up to 10 upper-case letters, digits, "-" or "_"',
      }),
    };
    const storageLocation = inputs.optionalText('storageLocation', { pattern: CODE, hint: 'a storage location' });
    const quantity = inputs.optionalQuantity('quantity');
    const uom =
      inputs.optionalText('uom', { pattern: UOM, hint: 'a UN/CEFACT unit such as KGM' }) ?? inputs.uomOf('quantity');
    const reason = inputs.optionalText('reason', { pattern: REASON, hint: 'a reason code of up to 4 digits' });
    const lotId = inputs.optionalText('lotId') ?? lot.batch;
    const triggeredById = config.triggeredBy ? inputs.text('triggeredBy') : undefined;

    const target: StockTarget = {
      to: config.to,
      ...(config.from ? { from: config.from } : {}),
      ...(quantity ? { quantity } : {}),
    };
    const marker = postingMarker({ flowId: ctx.run.flowId, plant: ctx.run.plant, idempotencyKey: ctx.idempotencyKey });
    const result = await ensureStockState(
      adapter,
      {
        lot: storageLocation ? { ...lot, storageLocation } : lot,
        target,
        ...(uom ? { uom } : {}),
        ...(reason ? { reasonCode: reason.padStart(4, '0') } : {}),
        marker,
        note: `Millrace ${ctx.run.flowId} ${ctx.idempotencyKey}`,
      },
      stepCall(ctx, config.timeoutMs),
      ctx.log,
    );

    const posting =
      result.outcome === 'posted'
        ? stockPosting(adapter, result, {
            marker,
            idempotencyKey: ctx.idempotencyKey,
            lotId,
            lot,
            ...(reason ? { reasonCode: reason.padStart(4, '0') } : {}),
            ...(config.triggeredBy && triggeredById
              ? { triggeredBy: { kind: config.triggeredBy.kind as TriggerKind, id: triggeredById } }
              : {}),
            postedAt: result.recovered ? undefined : ctx.now().toISOString(),
          })
        : undefined;
    const stockStatus = {
      outcome: result.outcome,
      ...(result.outcome === 'posted' && result.recovered ? { recovered: true } : {}),
      ...(posting ? { posting } : {}),
      lot: lotState(lot, target, result.stock),
    };
    const headers = { 'erp-outcome': result.outcome };
    return emit(
      'out',
      config.output === 'result' ? stockStatus : merged(ctx.message.payload, 'stockStatus', stockStatus),
      headers,
    );
  },
});

type TriggerKind = NonNullable<StockPosting['triggeredBy']>['kind'];

function stockPosting(
  adapter: ErpAdapter,
  result: Extract<EnsureResult, { outcome: 'posted' }>,
  step: {
    marker: string;
    idempotencyKey: string;
    lotId: string;
    lot: LotKey;
    reasonCode?: string;
    triggeredBy?: { kind: TriggerKind; id: string };
    postedAt: string | undefined;
  },
): StockPosting {
  const { transfer } = result;
  const [from, to] = MOVEMENT_ENDS[transfer.movement];
  const document = `${transfer.document.year}/${transfer.document.number}`;
  return checkedCanonical(
    'canonical:StockPosting@1',
    {
      // From the step's marker: every attempt and replay of the step describes the same posting.
      id: nameBasedUuid(`StockPosting:${step.marker}`),
      schemaVersion: 1,
      externalRefs: [{ system: adapter.system, type: 'MaterialDocument', id: document }],
      idempotencyKey: step.idempotencyKey,
      lotId: step.lotId,
      materialId: step.lot.material,
      plantId: step.lot.plant,
      quantity: { value: transfer.quantity, uom: transfer.uom },
      fromStockType: from,
      toStockType: to,
      movementKind: transfer.movement,
      ...(/^\d{3}$/.test(transfer.vendorMovement) ? { erpMovementType: transfer.vendorMovement } : {}),
      ...(step.reasonCode ? { reasonCode: step.reasonCode } : {}),
      ...(step.triggeredBy ? { triggeredBy: step.triggeredBy } : {}),
      erpDocument: transfer.document,
      ...(step.postedAt ? { postedAt: step.postedAt } : {}),
      status: 'posted',
    } satisfies StockPosting,
    'The stock posting',
  );
}

/**
 * The lot as the last read showed it. `stockType` is the target when that read confirms it (it
 * always does after a posting of this attempt); for a posting recovered from an earlier attempt
 * the stock may have moved on since, and then it is the one type holding the lot, if one does.
 */
function lotState(lot: LotKey, target: StockTarget, stock: LotStock) {
  const uom = stock.uom;
  const holding = MOVABLE_STOCK_TYPES.filter((t) => !isZero(stock.byType[t]));
  const stockType =
    decideStockMove(stock.byType, target).kind === 'already'
      ? target.to
      : holding.length === 1
        ? holding[0]
        : undefined;
  return {
    material: lot.material,
    plant: lot.plant,
    batch: lot.batch,
    ...(stock.storageLocation ? { storageLocation: stock.storageLocation } : {}),
    ...(stockType ? { stockType } : {}),
    stock: Object.fromEntries(
      Object.entries(stock.byType).map(([type, value]) => [type, uom ? { value, uom } : { value }]),
    ),
  };
}
