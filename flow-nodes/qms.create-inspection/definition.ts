import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';
import { QMS_ERRORS } from '../shared/qms/catalog-errors.ts';

/** What each field reads when the config leaves it out: a canonical BatchCompletion, or a flat payload. */
export const DEFAULTS = {
  lotId: 'msg.payload?.producedLot?.lotId ?? msg.payload?.lotId',
  origin: "'production_gr'",
  materialId: 'msg.payload?.producedLot?.materialId ?? msg.payload?.materialId',
  productionOrderId: 'msg.payload?.productionOrderId',
  plantId: 'msg.payload?.plantId',
  quantity: 'msg.payload?.producedLot?.qty ?? msg.payload?.quantity',
  specRef: 'msg.payload?.specRef',
} as const;

export const definition = nodeSpec({
  type: 'qms.create-inspection',
  version: 1,
  title: 'QMS: create inspection',
  description:
    'Asks the QMS to inspect a lot, typically from a canonical BatchCompletion, and emits the inspection as a canonical InspectionLot under payload.inspection. Sends the step\'s Idempotency-Key; a 409 "duplicate" for the same lot and origin counts as success when the existing inspection is the same request.',
  category: 'business',
  connection: { types: ['qms-rest'], required: true },
  sideEffect: true,
  config: Type.Object(
    {
      lotId: Type.Optional(
        Expression('The lot to inspect (MES lot number or ERP batch).', { default: DEFAULTS.lotId }),
      ),
      origin: Type.Optional(
        Expression(
          'Why the inspection exists, giving one of production_gr, in_process, goods_receipt_po, stock_transfer, stability, manual.',
          { default: DEFAULTS.origin },
        ),
      ),
      materialId: Type.Optional(Expression('The material of the lot.', { default: DEFAULTS.materialId })),
      productionOrderId: Type.Optional(
        Expression('The production order that made the lot.', { default: DEFAULTS.productionOrderId }),
      ),
      plantId: Type.Optional(Expression('The plant.', { default: DEFAULTS.plantId })),
      quantity: Type.Optional(
        Expression('The quantity to inspect, as { value: "480.000", uom: "KGM" }.', { default: DEFAULTS.quantity }),
      ),
      specRef: Type.Optional(
        Expression('The inspection specification, as { id, version } (from the ERP order, say).', {
          default: DEFAULTS.specRef,
        }),
      ),
      output: Type.Optional(
        Type.Union([Type.Literal('merge'), Type.Literal('inspection')], {
          default: 'merge',
          description: '"merge": { ...msg.payload, inspection }. "inspection": the InspectionLot alone.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Inspection',
      description:
        'payload = { ...msg.payload, inspection: InspectionLot } (or the InspectionLot alone); headers qms-record-id and qms-outcome (created | existing).',
    },
  ],
  errors: QMS_ERRORS,
});
