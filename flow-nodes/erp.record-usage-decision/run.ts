import {
  ElectronicSignatureSchema,
  checkSchemaChoice,
  type ElectronicSignature,
  type InspectionLot,
  type UsageDecision,
} from '@millrace/canonical';
import { defineNode, emit, RemoteError, type NodeResult } from '@millrace/node-sdk';
import { erpAdapterFor } from '../shared/erp/adapters.ts';
import { checkedCanonical } from '../shared/erp/canonical.ts';
import { stripLeadingZeros } from '../shared/erp/ids.ts';
import { Inputs } from '../shared/erp/inputs.ts';
import { merged, stepCall } from '../shared/erp/output.ts';
import type { CallOptions, DecisionRequest, ErpAdapter, RecordedDecision } from '../shared/erp/types.ts';
import { DEFAULTS, definition } from './definition.ts';

const LOT = /^\d{1,12}$/;
const CODE = /^[A-Za-z0-9_-]{1,8}$/;
const VALUATIONS: Readonly<Record<string, DecisionRequest['valuation']>> = {
  accepted: 'accepted',
  rejected: 'rejected',
  A: 'accepted',
  R: 'rejected',
};

export const node = defineNode({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const config = ctx.config;
    const adapter = erpAdapterFor(ctx.connection, definition.type);
    const inputs = await Inputs.evaluate(ctx.code, {
      inspectionLot: config.inspectionLot ?? DEFAULTS.inspectionLot,
      code: config.code ?? DEFAULTS.code,
      valuation: config.valuation ?? DEFAULTS.valuation,
      codeGroup: config.codeGroup,
      selectedSet: config.selectedSet,
      codeSetPlant: config.codeSetPlant,
      followUpAction: config.followUpAction,
      qualityScore: config.qualityScore,
      decidedBy: config.decidedBy ?? DEFAULTS.decidedBy,
      signature: config.signature ?? DEFAULTS.signature,
    });
    const lot = stripLeadingZeros(
      inputs.text('inspectionLot', { pattern: LOT, hint: 'an inspection lot number of up to 12 digits' }),
    );
    const valuationText = inputs.text('valuation');
    const valuation = VALUATIONS[valuationText];
    if (!valuation)
      throw inputs.fail(
        'valuation',
        `is "${valuationText}"; the ERP takes accepted (A) or rejected (R) only${valuationText === 'conditionally_accepted' ? ': choose a decision code valued A for a conditional release' : ''}`,
      );
    const optional = (field: 'codeGroup' | 'selectedSet' | 'codeSetPlant' | 'followUpAction') =>
      inputs.optionalText(field, { pattern: CODE, hint: 'a code of up to 8 letters or digits' });
    const score = inputs.raw('qualityScore');
    if (score !== undefined && !(Number.isInteger(score) && (score as number) >= 0 && (score as number) <= 100))
      throw inputs.fail('qualityScore', 'is not a whole number from 0 to 100');
    const request: DecisionRequest = {
      inspectionLot: lot,
      code: inputs.text('code', {
        pattern: /^[A-Za-z0-9_-]{1,4}$/,
        hint: 'a usage decision code of up to 4 characters',
      }),
      valuation,
      ...withValue('codeGroup', optional('codeGroup')),
      ...withValue('selectedSet', optional('selectedSet')),
      ...withValue('codeSetPlant', optional('codeSetPlant')),
      ...withValue('followUpAction', optional('followUpAction')),
      ...withValue('qualityScore', score as number | undefined),
    };
    const decidedBy = inputs.optionalText('decidedBy');
    const signature = inputs.raw('signature') as ElectronicSignature | undefined;
    const badSignature = signature === undefined ? [] : checkSchemaChoice(ElectronicSignatureSchema, signature);
    if (badSignature.length > 0)
      throw inputs.fail(
        'signature',
        `is not an electronic signature: ${badSignature.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`,
      );

    const options = stepCall(ctx, config.timeoutMs);
    const facts = await adapter.readInspectionLot(lot, options);
    if (!facts)
      throw new RemoteError('ERP_INSPECTION_LOT_NOT_FOUND', `The ERP has no inspection lot ${lot}.`, {
        status: 404,
        details: { inspectionLot: lot, system: adapter.system },
      });
    const { outcome, decision } = await ensureDecision(adapter, request, options);

    const usageDecision: UsageDecision = {
      ...(decision.code ? { code: decision.code } : {}),
      ...(decision.codeGroup ? { codeGroup: decision.codeGroup } : {}),
      valuation: decision.valuation,
      // The person who decided; the ERP's own record names the integration's user.
      decidedBy: decidedBy ?? decision.decidedBy ?? adapter.system,
      decidedAt: decision.decidedAt ?? ctx.now().toISOString(),
      ...(signature ? { signature } : {}),
      ...(decision.followUpAction ? { followUpAction: decision.followUpAction } : {}),
      ...(decision.qualityScore !== undefined && decision.qualityScore <= 100
        ? { qualityScore: decision.qualityScore }
        : {}),
    };
    const inspectionLot = checkedCanonical(
      'canonical:InspectionLot@1',
      { ...facts.lot, usageDecision, status: decision.valuation } satisfies InspectionLot,
      'The inspection lot',
    );
    const result = { outcome, inspectionLot };
    const headers = { 'erp-outcome': outcome };
    return emit(
      'out',
      config.output === 'result' ? result : merged(ctx.message.payload, 'usageDecision', result),
      headers,
    );
  },
});

/**
 * The lot's decision as the step wants it: an equal decision already there is success, a
 * different one is a conflict (a usage decision is not silently overwritten), none is recorded.
 * A refusal of the POST is checked against a fresh read, since the refusal may say that a
 * concurrent or earlier attempt recorded it first.
 */
async function ensureDecision(
  adapter: ErpAdapter,
  request: DecisionRequest,
  options: CallOptions,
): Promise<{ outcome: 'recorded' | 'already'; decision: RecordedDecision }> {
  const existing = await adapter.readUsageDecision(request.inspectionLot, options);
  if (existing) return { outcome: 'already', decision: same(existing, request) };
  try {
    return { outcome: 'recorded', decision: await adapter.recordUsageDecision(request, options) };
  } catch (thrown) {
    if (!(thrown instanceof RemoteError)) throw thrown;
    const now = await adapter.readUsageDecision(request.inspectionLot, options).catch(() => undefined);
    if (!now) throw thrown;
    return { outcome: 'already', decision: same(now, request) };
  }
}

function same(existing: RecordedDecision, request: DecisionRequest): RecordedDecision {
  const differs =
    existing.code !== request.code ||
    existing.valuation !== request.valuation ||
    (request.codeGroup !== undefined && existing.codeGroup !== request.codeGroup);
  if (!differs) return existing;
  const show = (d: { code: string; codeGroup?: string; valuation: string }) =>
    `${d.codeGroup ? `${d.codeGroup}/` : ''}${d.code} (${d.valuation})`;
  throw new RemoteError(
    'ERP_USAGE_DECISION_CONFLICT',
    `Inspection lot ${request.inspectionLot} already has the usage decision ${show(existing)}; ${show(request)} was not recorded.`,
    { details: { inspectionLot: request.inspectionLot, existing, requested: request } },
  );
}

function withValue<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
