import { describe, expect, it } from 'vitest';
import { publishProblems } from '../shared/erp/publish-support.ts';

const problems = (config: Record<string, unknown>) => publishProblems('erp.set-stock-status', config);

describe('erp.set-stock-status config at publish', () => {
  it('accepts a target alone, and every field set', () => {
    expect(problems({ to: 'blocked' })).toEqual([]);
    expect(
      problems({
        to: 'unrestricted',
        from: 'quality_inspection',
        material: 'msg.payload.material',
        plant: 'params.plantCode',
        batch: 'msg.payload.lot.erpBatch',
        storageLocation: "'0001'",
        quantity: 'msg.payload.lot.qty',
        uom: "'KGM'",
        reason: "'0001'",
        lotId: 'msg.payload.lot.lotNumber',
        triggeredBy: { kind: 'usage_decision', id: 'msg.payload.inspectionLotId' },
        output: 'result',
        timeoutMs: 10000,
      }),
    ).toEqual([]);
  });

  it('names a missing target', () => {
    expect(problems({ from: 'blocked' })).toEqual([
      { pointer: '/nodes/1/config/to', message: 'is required but missing' },
    ]);
  });

  it('names a stock type that does not exist', () => {
    const [problem] = problems({ to: 'quarantine' });
    expect(problem).toMatchObject({ pointer: '/nodes/1/config/to' });
    expect(problem!.message).toContain('quality_inspection');
  });

  it('names a batch expression that does not parse', () => {
    expect(problems({ to: 'blocked', batch: 'msg.payload.lot +' })).toEqual([
      { pointer: '/nodes/1/config/batch', message: expect.any(String) },
    ]);
  });

  it('names a trigger kind that does not exist', () => {
    const [problem] = problems({ to: 'blocked', triggeredBy: { kind: 'whim', id: 'msg.payload.id' } });
    expect(problem).toMatchObject({ pointer: '/nodes/1/config/triggeredBy/kind' });
  });
});
