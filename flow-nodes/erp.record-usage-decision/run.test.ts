import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCanonical } from '@millrace/canonical';
import { DataError, RemoteError, TransientError } from '@millrace/node-sdk';
import { runNode } from '@millrace/testing';
import { calls, failure, startTestErp, type TestErp } from '../shared/erp/test-support.ts';
import { node } from './run.ts';

let erp: TestErp;
beforeEach(async () => {
  erp = await startTestErp();
});
afterEach(() => erp.close());

const SIGNATURE = {
  signatureId: 'SIG-2026-003311',
  signerId: 'u-qa-0042',
  printedName: 'Dr. Anna Keller',
  meaning: 'approval',
  signedAt: '2026-03-04T09:12:44+01:00',
  sourceSystem: 'qms-acme',
};

/** A canonical InspectionDecision (qms.inspection.decided.v1 data), as the QMS sends it. */
const decided = (extra: Record<string, unknown> = {}) => ({
  inspectionLotId: 'INS-2026-0117',
  erpInspectionLot: '10000000042',
  lotId: 'LOT-2026-0042',
  decision: 'accepted',
  usageDecisionCode: 'A1',
  decidedAt: '2026-03-04T09:12:44+01:00',
  signature: SIGNATURE,
  ...extra,
});

const record = (
  payload: unknown,
  config: Record<string, unknown> = { codeGroup: "'UD-FG'" },
  idempotencyKey = 'mr-1-ud',
) => runNode(node, { config, payload, connection: erp.client, idempotencyKey });

const posts = () => erp.server.requests.filter((r) => r.method === 'POST');

describe('erp.record-usage-decision', () => {
  it('records the decision on the padded lot and emits a canonical InspectionLot with it', async () => {
    const { ports } = await record(decided());
    const payload = ports.out![0]!.payload as {
      inspectionLotId: string;
      usageDecision: { outcome: string; inspectionLot: unknown };
    };
    expect(payload.inspectionLotId).toBe('INS-2026-0117');
    expect(payload.usageDecision.outcome).toBe('recorded');
    expect(payload.usageDecision.inspectionLot).toMatchObject({
      schemaVersion: 1,
      externalRefs: [{ type: 'InspectionLot', id: '10000000042' }],
      erpInspectionLot: '10000000042',
      origin: 'production_gr',
      lotId: 'B0042',
      materialId: 'FG-1000',
      plantId: 'P100',
      productionOrderId: '1000123',
      quantity: { value: '480.000', uom: 'KGM' },
      stockPostingCompleted: false,
      status: 'accepted',
      usageDecision: {
        code: 'A1',
        codeGroup: 'UD-FG',
        valuation: 'accepted',
        decidedBy: 'u-qa-0042',
        decidedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
        signature: SIGNATURE,
      },
    });
    expect(validateCanonical('canonical:InspectionLot@1', payload.usageDecision.inspectionLot)).toEqual([]);
    expect(ports.out![0]!.headers).toEqual({ 'erp-outcome': 'recorded' });
    expect(JSON.parse(posts()[0]!.body)).toEqual({
      InspectionLot: '010000000042',
      InspectionLotUsageDecisionCode: 'A1',
      InspLotUsageDecisionValuation: 'A',
      InspLotUsageDecisionCodeGroup: 'UD-FG',
    });
    expect(erp.server.usageDecision('010000000042')).toMatchObject({ InspectionLotUsageDecidedBy: 'MILLRACE_COMM' });
  });

  it('reads the lot and its decision before it records one', async () => {
    await record(decided());
    expect(calls(erp.server).map((c) => c.replace(/\?.*/, ''))).toEqual([
      "GET /API_INSPECTIONLOT_SRV/A_InspectionLot('010000000042')",
      "GET /API_INSPECTIONLOT_SRV/A_InspLotUsageDecision('010000000042')",
      'POST /API_INSPECTIONLOT_SRV/A_InspLotUsageDecision',
    ]);
  });

  it('records a rejection with its follow-up action, alone with output "result"', async () => {
    const { ports } = await record(
      decided({ decision: 'R', usageDecisionCode: 'R1', erpInspectionLot: '010000000044' }),
      {
        followUpAction: "'QM_BLOCK'",
        qualityScore: '10',
        output: 'result',
      },
    );
    expect(ports.out![0]!.payload).toMatchObject({
      outcome: 'recorded',
      inspectionLot: {
        origin: 'goods_receipt_po',
        status: 'rejected',
        usageDecision: { code: 'R1', valuation: 'rejected', followUpAction: 'QM_BLOCK', qualityScore: 10 },
      },
    });
    expect(erp.server.usageDecision('010000000044')).toMatchObject({
      InspLotUsageDecisionValuation: 'R',
      InspLotUsgeDcsnFollowUpAction: 'QM_BLOCK',
      InspectionLotQualityScore: '10',
    });
  });

  it('does nothing when the lot already has the same decision', async () => {
    const { ports } = await record(decided({ erpInspectionLot: '10000000043' }));
    expect(ports.out![0]!.payload).toMatchObject({
      usageDecision: {
        outcome: 'already',
        inspectionLot: {
          status: 'accepted',
          usageDecision: { code: 'A1', codeGroup: 'UD-FG', decidedAt: '2026-03-04T09:12:44Z' },
        },
      },
    });
    expect(ports.out![0]!.headers).toEqual({ 'erp-outcome': 'already' });
    expect(posts()).toHaveLength(0);
  });

  it('refuses to change a different decision the lot already has', async () => {
    const error = await failure(
      record(decided({ erpInspectionLot: '10000000043', decision: 'rejected', usageDecisionCode: 'R1' })),
    );
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      code: 'ERP_USAGE_DECISION_CONFLICT',
      details: { existing: { code: 'A1', valuation: 'accepted' }, requested: { code: 'R1', valuation: 'rejected' } },
    });
    expect(error.message).toBe(
      'Inspection lot 10000000043 already has the usage decision UD-FG/A1 (accepted); UD-FG/R1 (rejected) was not recorded.',
    );
    expect(posts()).toHaveLength(0);
  });

  it('fails with ERP_INSPECTION_LOT_NOT_FOUND for a lot the ERP does not have', async () => {
    const error = await failure(record(decided({ erpInspectionLot: '99' })));
    expect(error).toMatchObject({ code: 'ERP_INSPECTION_LOT_NOT_FOUND', status: 404 });
    expect(posts()).toHaveLength(0);
  });

  it('after a commit and a timeout, the retry finds the decision recorded and records nothing more', async () => {
    erp.server.fault({ kind: 'commit-then-hang', methods: ['POST'] });
    const lost = await failure(record(decided(), { codeGroup: "'UD-FG'", timeoutMs: 300 }));
    expect(lost).toBeInstanceOf(TransientError);
    expect(lost).toMatchObject({ code: 'ERP_TRANSIENT' });
    const retry = await record(decided());
    expect(retry.ports.out![0]!.payload).toMatchObject({ usageDecision: { outcome: 'already' } });
    expect(posts()).toHaveLength(1);
  });

  it('passes on a refusal of the ERP with its message code', async () => {
    erp.server.fault({
      kind: 'reject',
      methods: ['POST'],
      status: 400,
      code: 'QA/130',
      message: 'Characteristics without results',
    });
    const error = await failure(record(decided()));
    expect(error).toMatchObject({ code: 'ERP_REJECTED', vendorCode: 'QA/130', status: 400 });
  });

  it.each([
    [
      { erpInspectionLot: undefined },
      'inspectionLot',
      'inspectionLot (msg.payload.erpInspectionLot) is missing; it needs a value.',
    ],
    [
      { erpInspectionLot: 'INS-1' },
      'inspectionLot',
      'inspectionLot (msg.payload.erpInspectionLot) is "INS-1", which is not an inspection lot number of up to 12 digits.',
    ],
    [
      { decision: 'conditionally_accepted' },
      'valuation',
      'valuation (msg.payload.decision) is "conditionally_accepted"; the ERP takes accepted (A) or rejected (R) only: choose a decision code valued A for a conditional release.',
    ],
    [{ usageDecisionCode: null }, 'code', 'code (msg.payload.usageDecisionCode) is missing; it needs a value.'],
  ])('fails with a data error for bad input %j, calling nothing', async (change, field, message) => {
    const error = await failure(record(decided(change)));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'ERP_INPUT_INVALID', details: { field } });
    expect(error.message).toBe(message);
    expect(erp.server.requests).toHaveLength(0);
  });

  it('refuses a signature that is not one rather than pass it on', async () => {
    const error = await failure(record(decided({ signature: { signerId: 'u-1' } })));
    expect(error).toMatchObject({ code: 'ERP_INPUT_INVALID', details: { field: 'signature' } });
    expect(error.message).toContain('/printedName');
  });
});
