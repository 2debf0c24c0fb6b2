import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';
import { QMS_ERRORS } from '../shared/qms/catalog-errors.ts';
import { QUALITY_EVENT_KINDS, QUALITY_EVENT_SOURCES } from '../shared/qms/canonical-enums.ts';

/** What the affected lists read when the config leaves them out: the lot and order of the message. */
export const DEFAULTS = {
  affectedLots:
    '[msg.payload?.producedLot?.lotId ?? msg.payload?.inspection?.lotId ?? msg.payload?.lotId].filter(Boolean)',
  affectedOrders: '[msg.payload?.productionOrderId ?? msg.payload?.inspection?.productionOrderId].filter(Boolean)',
} as const;

const oneOf = (values: readonly string[], options: Record<string, unknown>) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );

export const definition = nodeSpec({
  type: 'qms.open-quality-event',
  version: 1,
  title: 'QMS: open quality event',
  description:
    'Opens a deviation, nonconformance, complaint or supplier issue in the QMS and emits it as a canonical QualityEvent under payload.qualityEvent. Sends the step\'s Idempotency-Key; a 409 "duplicate" for the same externalId counts as success when the existing event is the same report.',
  category: 'business',
  connection: { types: ['qms-rest'], required: true },
  sideEffect: true,
  config: Type.Object(
    {
      kind: oneOf(QUALITY_EVENT_KINDS, { description: 'What kind of quality event to open.' }),
      description: Expression('What happened, such as `Bed temperature above limit on lot ${msg.payload.lotId}`.'),
      title: Type.Optional(Expression('A one-line title.')),
      classification: Type.Optional(
        Expression('The severity, giving minor, major or critical; left to QA triage when not set.'),
      ),
      source: Type.Optional(oneOf(QUALITY_EVENT_SOURCES, { description: 'Where the event was found.' })),
      affectedLots: Type.Optional(
        Expression('The lots affected: a list, or one lot id.', { default: DEFAULTS.affectedLots }),
      ),
      affectedOrders: Type.Optional(
        Expression('The production orders affected: a list, or one order id.', { default: DEFAULTS.affectedOrders }),
      ),
      affectedMaterials: Type.Optional(Expression('The materials affected: a list, or one material id.')),
      equipmentId: Type.Optional(Expression('The equipment involved.')),
      ownerId: Type.Optional(Expression('Who owns the event in the QMS.')),
      dueAt: Type.Optional(Expression('When it is due, an RFC 3339 timestamp with offset.')),
      externalId: Type.Optional(
        Expression(
          "The key the QMS refuses a second event for, such as `'MES-DEV-' + msg.payload.id`. Default: the step's idempotency key.",
        ),
      ),
      output: Type.Optional(
        Type.Union([Type.Literal('merge'), Type.Literal('qualityEvent')], {
          default: 'merge',
          description: '"merge": { ...msg.payload, qualityEvent }. "qualityEvent": the QualityEvent alone.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Quality event',
      description:
        'payload = { ...msg.payload, qualityEvent: QualityEvent } (or the QualityEvent alone); headers qms-record-id and qms-outcome (created | existing).',
    },
  ],
  errors: QMS_ERRORS,
});
