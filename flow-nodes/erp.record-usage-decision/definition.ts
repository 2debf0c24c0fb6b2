import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';
import { COMMON_ERP_ERRORS, OutputMode, Timeout, erpConnection } from '../shared/erp/definition-parts.ts';

/** What each field reads when the config leaves it out: a canonical InspectionDecision (qms.inspection.decided.v1). */
export const DEFAULTS = {
  inspectionLot: 'msg.payload.erpInspectionLot',
  code: 'msg.payload.usageDecisionCode',
  valuation: 'msg.payload.decision',
  decidedBy: 'msg.payload.signature?.signerId',
  signature: 'msg.payload.signature',
} as const;

export const definition = nodeSpec({
  type: 'erp.record-usage-decision',
  version: 1,
  title: 'ERP: record usage decision',
  description:
    'Records the usage decision (accept / reject) of an ERP inspection lot, typically from the QMS\'s signed decision, and emits the lot as a canonical InspectionLot with its usageDecision. Ensure-state: it reads the lot\'s decision first; the same decision already there is success ("already"), a different one is an error, never overwritten.',
  category: 'business',
  connection: erpConnection,
  sideEffect: true,
  config: Type.Object(
    {
      inspectionLot: Type.Optional(
        Expression('The ERP inspection lot number (up to 12 digits; leading zeros optional).', {
          default: DEFAULTS.inspectionLot,
        }),
      ),
      code: Type.Optional(
        Expression('The usage decision code, as the ERP catalog has it (SAP: up to 4 characters, such as A1).', {
          default: DEFAULTS.code,
        }),
      ),
      valuation: Type.Optional(
        Expression('accepted or rejected (A or R also do). The ERP values a decision A or R only.', {
          default: DEFAULTS.valuation,
        }),
      ),
      codeGroup: Type.Optional(Expression('The code group of the decision code (SAP: up to 8 characters).')),
      selectedSet: Type.Optional(Expression('The selected set the code belongs to (SAP: up to 8 characters).')),
      codeSetPlant: Type.Optional(Expression('The plant of the selected set (SAP: SelectedCodeSetPlant).')),
      followUpAction: Type.Optional(Expression('The follow-up action to trigger (SAP: up to 8 characters).')),
      qualityScore: Type.Optional(Expression('A quality score of 0 to 100.')),
      decidedBy: Type.Optional(
        Expression('Who decided (the signer in the QMS); the ERP records its own user.', {
          default: DEFAULTS.decidedBy,
        }),
      ),
      signature: Type.Optional(
        Expression('The electronic signature of the decision, carried and linked, never made here.', {
          default: DEFAULTS.signature,
        }),
      ),
      output: OutputMode('usageDecision', 'result', '{ outcome, inspectionLot } alone'),
      timeoutMs: Timeout,
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Recorded',
      description:
        'payload = { ...msg.payload, usageDecision: { outcome: "recorded" | "already", inspectionLot: InspectionLot } } with the lot\'s usageDecision and status accepted or rejected. Header erp-outcome = the outcome.',
    },
  ],
  errors: [
    {
      code: 'ERP_INSPECTION_LOT_NOT_FOUND',
      category: 'remote',
      description: 'The ERP has no inspection lot with that number.',
    },
    {
      code: 'ERP_USAGE_DECISION_CONFLICT',
      category: 'remote',
      description:
        'The lot already has a different usage decision (another code or valuation); details give both. It is not changed.',
    },
    ...COMMON_ERP_ERRORS,
  ],
});
