import { describe, expect, it } from 'vitest';
import { validateCanonical } from '@millrace/canonical';
import { INSPECTION, QUALITY_EVENT, toCanonical } from './records.ts';

interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

function recorder() {
  const logs: LogEntry[] = [];
  const log = (level: LogEntry['level']) => (message: string, fields?: Record<string, unknown>) =>
    logs.push({ level, message, ...(fields ? { fields } : {}) });
  return { logs, log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } };
}

const REQUEST = { lotId: 'L-1', origin: 'production_gr', quantity: { value: '5', uom: 'KGM' } };

describe('QMS records as canonical objects', () => {
  it('maps a decided inspection with its usage decision', () => {
    const { log } = recorder();
    const lot = toCanonical(
      INSPECTION,
      {
        id: 'INS-9',
        ...REQUEST,
        state: 'Reject',
        decision: { valuation: 'R', decidedBy: 'u-qa-1', decidedAt: '2026-03-03T09:00:00Z', code: 'R1' },
        revision: 4,
      },
      REQUEST,
      'http://qms/api/v1',
      log,
    );
    expect(validateCanonical('canonical:InspectionLot@1', lot)).toEqual([]);
    expect(lot).toMatchObject({
      qmsInspectionId: 'INS-9',
      status: 'rejected',
      sourceStatus: 'Reject',
      revision: 4,
      usageDecision: { valuation: 'rejected', decidedBy: 'u-qa-1', code: 'R1' },
    });
  });

  it('keeps the requested value, or leaves the field out, where the record says something the model cannot hold', () => {
    const { log, logs } = recorder();
    const lot = toCanonical(
      INSPECTION,
      {
        id: 'INS-9',
        lotId: 'L-1',
        origin: 'production_gr',
        quantity: { value: '5', uom: 'kg' },
        createdAt: '2026-03-03 09:00',
        state: 'created',
      },
      REQUEST,
      'http://qms/api/v1',
      log,
    );
    expect(lot).toMatchObject({ quantity: { value: '5', uom: 'KGM' } });
    expect(lot).not.toHaveProperty('createdAt');
    expect(logs.map((l) => l.message).sort()).toEqual([
      "qms: the inspection's createdAt does not fit the canonical model; left out",
      "qms: the inspection's quantity does not fit the canonical model; kept the requested value",
    ]);
  });

  it('takes a state it does not know as the initial one, keeps the raw word and says so', () => {
    const { log, logs } = recorder();
    const lot = toCanonical(INSPECTION, { id: 'INS-9', ...REQUEST, state: 'Awaiting Sampling' }, REQUEST, 'x', log);
    expect(lot).toMatchObject({ status: 'created', sourceStatus: 'Awaiting Sampling' });
    expect(logs).toMatchObject([{ level: 'warn', fields: { recordId: 'INS-9', state: 'Awaiting Sampling' } }]);
  });

  it('refuses a decided inspection that comes without its decision', () => {
    expect(() =>
      toCanonical(INSPECTION, { id: 'INS-9', ...REQUEST, state: 'accepted' }, REQUEST, 'http://qms', recorder().log),
    ).toThrow(expect.objectContaining({ code: 'QMS_INVALID_RESPONSE' }));
  });

  it('carries the QMS id of a quality event as an external reference and its number', () => {
    const event = toCanonical(
      QUALITY_EVENT,
      { id: 'QE-7', number: 'DEV-2026-0007', kind: 'NCR', description: 'x', state: 'Open' },
      { kind: 'nonconformance', description: 'x', externalId: 'k' },
      'http://qms',
      recorder().log,
    );
    expect(event).toMatchObject({
      kind: 'nonconformance',
      number: 'DEV-2026-0007',
      externalRefs: [{ system: 'qms', type: 'QualityEvent', id: 'QE-7' }],
      status: 'opened',
      sourceStatus: 'Open',
    });
    expect(event).not.toHaveProperty('externalId');
  });
});
