import { DataError, RemoteError } from '@millrace/node-sdk';
import type { SapService } from '../../../connections/sap-odata-v2/run.ts';
import { add, isZero } from '../decimal.ts';
import { MOVABLE_STOCK_TYPES, type MovableStockType, type MovementKind } from '../stock-decision.ts';
import type { CallOptions, LotKey, LotStock, PostedTransfer, TransferRequest } from '../types.ts';
import { neutral } from '../errors.ts';
import { call, field, translated } from './common.ts';
import { canonicalUnit, sapUnit } from './units.ts';

/**
 * Stock by stock type (API_MATERIAL_STOCK_SRV) and transfer postings between stock types
 * (API_MATERIAL_DOCUMENT_SRV), for erp.set-stock-status.
 */

export const STOCK_SERVICE = 'API_MATERIAL_STOCK_SRV';
export const STOCK_SET = 'A_MatlStkInAcctMod';
export const DOCUMENT_SERVICE = 'API_MATERIAL_DOCUMENT_SRV';
export const DOCUMENT_SET = 'A_MaterialDocumentHeader';

/** InventoryStockType of each movable stock type. */
export const SAP_STOCK_TYPES: Readonly<Record<MovableStockType, string>> = {
  unrestricted: '01',
  quality_inspection: '02',
  blocked: '07',
};

/** The QM transfer postings. SAP's reversal is the type plus one, so 344 and 350 are also the reversals of 343 and 349. */
export const SAP_MOVEMENT_TYPES: Readonly<Record<MovementKind, string>> = {
  qi_to_unrestricted: '321',
  qi_to_blocked: '350',
  unrestricted_to_blocked: '344',
  blocked_to_unrestricted: '343',
  blocked_to_qi: '349',
};

const KIND_OF_MOVEMENT = new Map(
  Object.entries(SAP_MOVEMENT_TYPES).map(([kind, type]) => [type, kind as MovementKind]),
);
const TYPE_OF_STOCK = new Map(Object.entries(SAP_STOCK_TYPES).map(([type, code]) => [code, type as MovableStockType]));

/** SAP's message for a posting that would take more than the source stock type holds. */
const DEFICIT = 'M7/021';

/**
 * The lot's own stock in one storage location, by stock type. The filter uses only Material,
 * Plant, Batch and InventoryStockType; storage location and special stock (sales order,
 * consignment: not ours to move) are sorted out here.
 */
export async function readLotStock(service: SapService, lot: LotKey, options: CallOptions): Promise<LotStock> {
  const { results } = await translated(
    service.readCollection(STOCK_SET, {
      ...call(options),
      query: {
        filter: [
          { field: 'Material', value: lot.material },
          { field: 'Plant', value: lot.plant },
          { field: 'Batch', value: lot.batch },
          { field: 'InventoryStockType', op: 'in', value: Object.values(SAP_STOCK_TYPES) },
        ],
        select: [
          'StorageLocation',
          'InventoryStockType',
          'InventorySpecialStockType',
          'MaterialBaseUnit',
          'MatlWrhsStkQtyInMatlBaseUnit',
        ],
      },
    }),
  );
  const byLocation = new Map<string, { uom: string; byType: Record<MovableStockType, string> }>();
  for (const row of results) {
    const type = TYPE_OF_STOCK.get(String(row.InventoryStockType));
    const qty = field(row, 'MatlWrhsStkQtyInMatlBaseUnit');
    if (!type || field(row, 'InventorySpecialStockType') || !qty || !/^\d+(\.\d+)?$/.test(qty)) continue;
    const location = String(row.StorageLocation ?? '');
    if (lot.storageLocation !== undefined && location !== lot.storageLocation) continue;
    const unit = canonicalUnit(String(row.MaterialBaseUnit ?? ''));
    if (!unit)
      throw new RemoteError(
        'ERP_INVALID_RESPONSE',
        `The stock of batch ${lot.batch} is in unit "${String(row.MaterialBaseUnit)}", which has no UN/CEFACT code here.`,
      );
    const entry = byLocation.get(location) ?? { uom: unit, byType: zeros() };
    entry.byType[type] = add(entry.byType[type], qty);
    byLocation.set(location, entry);
  }
  const holding = [...byLocation.entries()].filter(([, e]) => Object.values(e.byType).some((q) => !isZero(q)));
  if (holding.length > 1) {
    throw new DataError(
      'ERP_STORAGE_LOCATION_AMBIGUOUS',
      `Batch ${lot.batch} of ${lot.material} has stock in storage locations ${holding.map(([l]) => l).join(', ')}; set storageLocation to say which.`,
      { details: { storageLocations: holding.map(([l]) => l) } },
    );
  }
  const [location, entry] = holding[0] ?? [lot.storageLocation, undefined];
  return { storageLocation: location, uom: entry?.uom, byType: entry?.byType ?? zeros() };
}

/** The posting an earlier attempt made: a document carrying the marker, with an item for the lot. */
export async function findTransfer(
  service: SapService,
  marker: string,
  lot: LotKey,
  options: CallOptions,
): Promise<PostedTransfer | undefined> {
  const { results } = await translated(
    service.readCollection(DOCUMENT_SET, {
      ...call(options),
      query: { filter: [{ field: 'MaterialDocumentHeaderText', value: marker }], expand: ['to_MaterialDocumentItem'] },
    }),
  );
  for (const header of results) {
    // The marker is a hash; checking the item as well guards against a document someone else
    // wrote with the same header text.
    const transfer = transferOf(
      header,
      (item) => item.Material === lot.material && item.Batch === lot.batch && item.Plant === lot.plant,
    );
    if (transfer) return transfer;
  }
  return undefined;
}

export async function postTransfer(
  service: SapService,
  request: TransferRequest,
  options: CallOptions,
): Promise<PostedTransfer> {
  const day = `${options.now().toISOString().slice(0, 10)}T00:00:00Z`;
  const movementType = SAP_MOVEMENT_TYPES[request.movement];
  const item = {
    Material: request.lot.material,
    Plant: request.lot.plant,
    StorageLocation: request.lot.storageLocation,
    Batch: request.lot.batch,
    GoodsMovementType: movementType,
    QuantityInEntryUnit: request.quantity,
    EntryUnit: sapUnit(request.uom),
    ...(request.reasonCode ? { GoodsMovementReasonCode: request.reasonCode } : {}),
    MaterialDocumentItemText: request.note.slice(0, 50),
  };
  let created;
  try {
    created = await service.create(
      DOCUMENT_SET,
      {
        GoodsMovementCode: '04',
        PostingDate: day,
        DocumentDate: day,
        MaterialDocumentHeaderText: request.marker,
        to_MaterialDocumentItem: { results: [item] },
      },
      // SAP ignores it; a proxy or the simulator may honour it.
      { ...call(options), ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}) },
    );
  } catch (thrown) {
    if (thrown instanceof RemoteError && thrown.vendorCode === DEFICIT) {
      throw new RemoteError('ERP_STOCK_INSUFFICIENT', `SAP refused movement ${movementType}: ${sapMessage(thrown)}`, {
        details: { ...thrown.details, vendorErrorCode: thrown.code },
        vendorCode: DEFICIT,
        ...(thrown.status === undefined ? {} : { status: thrown.status }),
      });
    }
    throw neutral(thrown);
  }
  const posted = transferOf(created.entity, (i) => i.GoodsMovementType === movementType);
  const year = field(created.entity, 'MaterialDocumentYear');
  const number = field(created.entity, 'MaterialDocument');
  if (!year || !number)
    throw new RemoteError(
      'ERP_INVALID_RESPONSE',
      'SAP answered the material document POST without its number and year.',
    );
  return (
    posted ?? {
      // A Gateway that does not echo the items inline: what was posted is what was asked.
      document: { year, number },
      movement: request.movement,
      vendorMovement: movementType,
      quantity: request.quantity,
      uom: request.uom,
      storageLocation: request.lot.storageLocation,
    }
  );
}

/** A header with its items as one of our transfer postings, or undefined if none matches. */
function transferOf(header: Record<string, unknown>, matches: (item: Record<string, unknown>) => boolean) {
  const items = (header.to_MaterialDocumentItem as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(items)) return undefined;
  for (const raw of items as Array<Record<string, unknown>>) {
    const movement = KIND_OF_MOVEMENT.get(String(raw.GoodsMovementType));
    const year = field(header, 'MaterialDocumentYear');
    const number = field(header, 'MaterialDocument');
    const quantity = field(raw, 'QuantityInEntryUnit');
    const uom = canonicalUnit(String(raw.EntryUnit ?? ''));
    if (!movement || !year || !number || !quantity || !uom || !matches(raw)) continue;
    const item = field(raw, 'MaterialDocumentItem');
    return {
      document: { year, number, ...(item ? { item } : {}) },
      movement,
      vendorMovement: String(raw.GoodsMovementType),
      quantity,
      uom,
      storageLocation: String(raw.StorageLocation ?? ''),
    } satisfies PostedTransfer;
  }
  return undefined;
}

function sapMessage(error: RemoteError): string {
  const message = error.details.sapMessage;
  return typeof message === 'string' ? message : error.message;
}

function zeros(): Record<MovableStockType, string> {
  return Object.fromEntries(MOVABLE_STOCK_TYPES.map((t) => [t, '0'])) as Record<MovableStockType, string>;
}
