import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';
import { QMS_ERRORS } from '../shared/qms/catalog-errors.ts';
import { CAPA_TYPES } from '../shared/qms/canonical-enums.ts';

/**
 * The source events default to the one a qms.open-quality-event step before this one opened:
 * its QMS id is in the canonical QualityEvent's externalRefs.
 */
export const DEFAULTS = {
  sourceEventIds:
    "(msg.payload?.qualityEvent?.externalRefs ?? []).filter((r) => r.type === 'QualityEvent').map((r) => r.id)",
} as const;

export const definition = nodeSpec({
  type: 'qms.open-capa',
  version: 1,
  title: 'QMS: open CAPA',
  description:
    'Opens a corrective or preventive action in the QMS for one or more quality events and emits it as a canonical CAPA under payload.capa. Sends the step\'s Idempotency-Key; a 409 "duplicate" for the same externalId counts as success when the existing CAPA is the same request.',
  category: 'business',
  connection: { types: ['qms-rest'], required: true },
  sideEffect: true,
  config: Type.Object(
    {
      type: Type.Optional(
        Type.Union(
          CAPA_TYPES.map((t) => Type.Literal(t)),
          { default: 'corrective', description: 'Corrective, preventive, or a corrective action the supplier owes.' },
        ),
      ),
      problemStatement: Expression('The problem the CAPA addresses, an expression over msg and params.'),
      sourceEventIds: Type.Optional(
        Expression(
          "The QMS ids of the quality events it answers: a list, or one id. Default: the preceding step's quality event.",
          {
            default: DEFAULTS.sourceEventIds,
          },
        ),
      ),
      ownerId: Type.Optional(Expression('Who owns the CAPA in the QMS.')),
      dueAt: Type.Optional(Expression('When it is due, an RFC 3339 timestamp with offset.')),
      externalId: Type.Optional(
        Expression(
          "The key the QMS refuses a second CAPA for, such as `'CAPA-' + msg.payload.lotId`. Default: the step's idempotency key.",
        ),
      ),
      output: Type.Optional(
        Type.Union([Type.Literal('merge'), Type.Literal('capa')], {
          default: 'merge',
          description: '"merge": { ...msg.payload, capa }. "capa": the CAPA alone.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'CAPA',
      description:
        'payload = { ...msg.payload, capa: CAPA } (or the CAPA alone); headers qms-record-id and qms-outcome (created | existing).',
    },
  ],
  errors: QMS_ERRORS,
});
