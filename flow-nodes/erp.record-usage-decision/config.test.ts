import { describe, expect, it } from 'vitest';
import { publishProblems } from '../shared/erp/publish-support.ts';

const problems = (config: Record<string, unknown>) => publishProblems('erp.record-usage-decision', config);

describe('erp.record-usage-decision config at publish', () => {
  it('accepts no config (a canonical InspectionDecision in), and every field set', () => {
    expect(problems({})).toEqual([]);
    expect(
      problems({
        inspectionLot: 'msg.payload.lot',
        code: "'A1'",
        valuation: "msg.payload.ok ? 'accepted' : 'rejected'",
        codeGroup: "'UD-FG'",
        selectedSet: "'UD-FG'",
        codeSetPlant: 'params.plantCode',
        followUpAction: "'QM_FREE'",
        qualityScore: '100',
        decidedBy: 'msg.payload.signature.signerId',
        signature: 'msg.payload.signature',
        output: 'result',
        timeoutMs: 10000,
      }),
    ).toEqual([]);
  });

  it('names a code expression that does not parse', () => {
    expect(problems({ code: "'A1" })).toEqual([{ pointer: '/nodes/1/config/code', message: expect.any(String) }]);
  });

  it('names an empty valuation expression', () => {
    const [problem] = problems({ valuation: '' });
    expect(problem).toMatchObject({ pointer: '/nodes/1/config/valuation' });
  });

  it('names an output mode that does not exist', () => {
    const [problem] = problems({ output: 'lot' });
    expect(problem).toMatchObject({ pointer: '/nodes/1/config/output' });
  });
});
