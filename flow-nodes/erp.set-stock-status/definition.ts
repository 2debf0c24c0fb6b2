import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';
import { COMMON_ERP_ERRORS, OutputMode, Timeout, erpConnection } from '../shared/erp/definition-parts.ts';

/** What each field reads when the config leaves it out: a canonical MaterialLot or BatchCompletion. */
export const DEFAULTS = {
  material: 'msg.payload.materialId ?? msg.payload.producedLot?.materialId',
  plant: 'msg.payload.plantId',
  batch: 'msg.payload.erpBatch ?? msg.payload.producedLot?.erpBatch',
  lotId: 'msg.payload.lotNumber ?? msg.payload.producedLot?.lotId ?? msg.payload.lotId',
} as const;

const StockType = (description: string) =>
  Type.Union([Type.Literal('unrestricted'), Type.Literal('quality_inspection'), Type.Literal('blocked')], {
    description,
  });

export const definition = nodeSpec({
  type: 'erp.set-stock-status',
  version: 1,
  title: 'ERP: set stock status',
  description:
    'Ensures a lot (batch) is in the stock type asked for: unrestricted, quality inspection or blocked. It reads the stock, posts only the transfer still missing (QI→unrestricted 321, QI→blocked 350, unrestricted→blocked 344, blocked→unrestricted 343, blocked→QI 349), then reads the stock back to confirm. Never a blind re-post: the posting carries a marker of this step, so a retry after a lost answer finds it instead of posting again. Emits a canonical StockPosting.',
  category: 'business',
  connection: erpConnection,
  sideEffect: true,
  config: Type.Object(
    {
      to: StockType('The stock type the lot must end up in.'),
      from: Type.Optional(
        StockType(
          'Move only out of this stock type. Without it: out of quality inspection first, then the other one (for blocked: unrestricted; for unrestricted: blocked).',
        ),
      ),
      material: Type.Optional(Expression('The material number.', { default: DEFAULTS.material })),
      plant: Type.Optional(Expression('The plant.', { default: DEFAULTS.plant })),
      batch: Type.Optional(
        Expression('The ERP batch: up to 10 upper-case letters, digits, "-" or "_".', { default: DEFAULTS.batch }),
      ),
      storageLocation: Type.Optional(
        Expression('The storage location. Without it, the one location that holds the batch (an error if several do).'),
      ),
      quantity: Type.Optional(
        Expression(
          'How much of the lot must be in "to" (stock already there counts; only the difference moves): "480.000", 480 or { value, uom }. Without it: the whole lot.',
        ),
      ),
      uom: Type.Optional(
        Expression("The quantity's unit (UN/CEFACT, such as KGM); it must be the material's base unit in the ERP."),
      ),
      reason: Type.Optional(Expression('Reason for movement, as the ERP codes it (SAP: up to 4 digits).')),
      lotId: Type.Optional(
        Expression(
          'The lot as flows know it (the MES lot number), for the StockPosting; the batch if it gives nothing.',
          {
            default: DEFAULTS.lotId,
          },
        ),
      ),
      triggeredBy: Type.Optional(
        Type.Object(
          {
            kind: Type.Union(
              ['usage_decision', 'release_record', 'quality_event', 'production', 'manual'].map((k) => Type.Literal(k)),
            ),
            id: Expression('The id of the decision or event that caused the posting.'),
          },
          { additionalProperties: false, description: 'What caused the posting, recorded on the StockPosting.' },
        ),
      ),
      output: OutputMode('stockStatus', 'result', '{ outcome, posting, lot } alone'),
      timeoutMs: Timeout,
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Ensured',
      description:
        'payload = { ...msg.payload, stockStatus: { outcome: "posted" | "already", recovered?, posting?: StockPosting, lot: { material, plant, batch, storageLocation, stockType, stock: { unrestricted, quality_inspection, blocked } } } }; posting only when this step posted. Header erp-outcome = the outcome.',
    },
  ],
  errors: [
    {
      code: 'ERP_STOCK_INSUFFICIENT',
      category: 'remote',
      description:
        'The source stock type holds too little (or the lot has no stock) to reach the target; details give the stock by type.',
    },
    {
      code: 'ERP_STOCK_STATE_UNKNOWN',
      category: 'transient',
      description:
        'The posting got no answer (a timeout), or the read-back after it failed transiently, so whether it was posted is unknown. Retried: the next attempt reads before it posts.',
    },
    {
      code: 'ERP_STOCK_NOT_CONFIRMED',
      category: 'remote',
      description: 'The posting was made, but the stock read back does not show the target state.',
    },
    {
      code: 'ERP_STOCK_SOURCE_AMBIGUOUS',
      category: 'data',
      description: 'The whole lot was asked for, but it is split between two source stock types; set "from".',
    },
    {
      code: 'ERP_STORAGE_LOCATION_AMBIGUOUS',
      category: 'data',
      description: 'The batch is stored in several storage locations; set "storageLocation".',
    },
    {
      code: 'ERP_UOM_MISMATCH',
      category: 'data',
      description: "The quantity's unit is not the unit the ERP keeps the material in.",
    },
    {
      code: 'ERP_MOVEMENT_UNSUPPORTED',
      category: 'config',
      description:
        '"from" equals "to", or no transfer posting leads from "from" to "to" (unrestricted to quality inspection).',
    },
    ...COMMON_ERP_ERRORS,
  ],
});
