/** Inventory: lots of material and the stock postings that move them between stock types. */
import { Type, type Static } from '@sinclair/typebox';
import {
  Code,
  DateOnly,
  entityFields,
  entityOptions,
  ErpBatch,
  QuantitySchema,
  Ref,
  StringEnum,
  Timestamp,
} from '../building-blocks.ts';
import { MaterialLotLifecycle, StockPostingLifecycle } from '../lifecycles.ts';
import { MATERIAL_USES } from './production.ts';

/** SAP InventoryStockType 01 / 02 / 07, plus the batch's restricted-use flag. */
export const STOCK_TYPES = ['unrestricted', 'quality_inspection', 'blocked', 'restricted'] as const;

export const MaterialLotSchema = Type.Object(
  {
    ...entityFields(),
    lotNumber: Type.String({ minLength: 1, maxLength: 64, description: 'The lot id as the MES knows it.' }),
    // MES lot ids are often longer than SAP's 10 characters; the mapping lives here and in IdMapping.
    erpBatch: Type.Optional(ErpBatch),
    materialId: Ref,
    plantId: Ref,
    productionOrderId: Type.Optional(Ref),
    quantity: Type.Optional(QuantitySchema),
    manufactureDate: Type.Optional(DateOnly),
    expiryDate: Type.Optional(DateOnly),
    supplierId: Type.Optional(Ref),
    supplierLot: Type.Optional(Code),
    qualityStatus: StringEnum(MaterialLotLifecycle.states),
    stockType: Type.Optional(StringEnum(STOCK_TYPES)),
    genealogy: Type.Optional(
      Type.Object(
        {
          parents: Type.Array(
            Type.Object(
              {
                lotId: Ref,
                materialId: Type.Optional(Ref),
                qty: Type.Optional(QuantitySchema),
                materialUse: Type.Optional(StringEnum(MATERIAL_USES)),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    sublots: Type.Optional(
      Type.Array(
        Type.Object(
          { id: Ref, quantity: Type.Optional(QuantitySchema), storageLocation: Type.Optional(Code) },
          { additionalProperties: false },
        ),
      ),
    ),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Material lot',
    'A lot (batch) of one material (ISA-95 MaterialLot, SAP batch) with its quality status and genealogy.',
  ),
);
export type MaterialLot = Static<typeof MaterialLotSchema>;

/** Movement kinds and their SAP movement types: 101, 261, 321, 350, 344, 343, 349, 551/553/555. */
export const MOVEMENT_KINDS = [
  'gr_production',
  'consume',
  'qi_to_unrestricted',
  'qi_to_blocked',
  'unrestricted_to_blocked',
  'blocked_to_unrestricted',
  'blocked_to_qi',
  'scrap',
] as const;

export const StockPostingSchema = Type.Object(
  {
    ...entityFields(),
    // SAP material documents have no idempotency key; this one is what the read-back looks for.
    idempotencyKey: Code,
    lotId: Ref,
    materialId: Type.Optional(Ref),
    plantId: Type.Optional(Ref),
    quantity: QuantitySchema,
    fromStockType: Type.Optional(StringEnum(STOCK_TYPES)),
    toStockType: Type.Optional(StringEnum(STOCK_TYPES)),
    movementKind: StringEnum(MOVEMENT_KINDS),
    erpMovementType: Type.Optional(
      Type.String({ pattern: '^\\d{3}$', 'x-hint': 'an SAP movement type of three digits, such as "350"' }),
    ),
    reasonCode: Type.Optional(Code),
    triggeredBy: Type.Optional(
      Type.Object(
        {
          kind: StringEnum(['usage_decision', 'release_record', 'quality_event', 'production', 'manual']),
          id: Ref,
        },
        { additionalProperties: false, description: 'The decision that caused the posting (attributability).' },
      ),
    ),
    erpDocument: Type.Optional(
      Type.Object(
        {
          year: Type.String({ pattern: '^\\d{4}$', 'x-hint': 'a four-digit year such as "2026"' }),
          number: Code,
          item: Type.Optional(Code),
        },
        { additionalProperties: false },
      ),
    ),
    postedAt: Type.Optional(Timestamp),
    status: StringEnum(StockPostingLifecycle.states),
    sourceStatus: Type.Optional(Code),
  },
  entityOptions(
    'Stock posting',
    'A goods movement of a lot between stock types (SAP material document), requested by a flow and ensured by read-back.',
  ),
);
export type StockPosting = Static<typeof StockPostingSchema>;
