import { afterEach, describe, expect, it } from 'vitest';
import { client, startQmsSimulator, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

describe('QMS supplier cases (SCAR)', () => {
  it('goes through the 8D stages: issue, acknowledge, responses accepted or rejected, escalate and resume, close', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const created = await api.post('/supplier-cases', {
      supplierId: 'SUP-300',
      materialId: 'RM-2000',
      supplierLots: ['S300-26-001'],
      severity: 'major',
      externalId: 'SCAR-EXT-1',
    });
    expect(created.body).toMatchObject({ state: 'draft', stage: 'D0', number: expect.stringMatching(/^SCAR-/) });
    const id = String(created.body.id);
    const act = (a: string, body: Record<string, unknown> = {}) => api.post(`/supplier-cases/${id}/actions/${a}`, body);
    const respond = (stage: string) => api.post(`/supplier-cases/${id}/responses`, { stage, text: `${stage} answer` });

    expect((await respond('D2')).body).toMatchObject({ error: { code: 'UNEXPECTED_STAGE' } });
    const issued = await act('issue');
    expect(issued.body).toMatchObject({ state: 'issued', stageDueDates: { D3: expect.any(String) } });
    const issuedAt = Date.parse(String(issued.body.updatedAt));
    expect(Date.parse((issued.body.stageDueDates as { D3: string }).D3) - issuedAt).toBe(48 * 3_600_000);

    expect((await respond('D2')).body).toMatchObject({ supplierCase: { state: 'acknowledged' } });
    expect((await respond('D5')).body).toMatchObject({ error: { code: 'UNEXPECTED_STAGE', expectedStages: ['D3'] } });
    await respond('D3');
    expect((await act('reject')).body).toMatchObject({ error: { fields: ['reason'] } });
    const rejected = await act('reject', { reason: 'containment does not cover stock in transit' });
    expect(rejected.body).toMatchObject({ state: 'acknowledged' });
    expect((await act('accept')).body).toMatchObject({ error: { code: 'NO_PENDING_RESPONSE' } });
    await respond('D3');
    expect((await act('accept')).body).toMatchObject({ state: 'containment_accepted' });

    expect((await act('escalate', { reason: 'D4 overdue' })).body).toMatchObject({ state: 'escalated' });
    expect((await act('resume')).body).toMatchObject({ state: 'containment_accepted' });
    await respond('D4');
    expect((await act('accept')).body).toMatchObject({ state: 'root_cause_accepted' });
    expect((await act('close')).status).toBe(409);
    await respond('D7');
    expect((await act('accept')).body).toMatchObject({ state: 'corrective_action_verified' });
    const closed = await act('close');
    expect(closed.body).toMatchObject({ state: 'closed' });
    expect(
      (closed.body.responses as Array<{ stage: string; status: string }>).map((r) => `${r.stage}:${r.status}`),
    ).toEqual(['D2:accepted', 'D3:rejected', 'D3:accepted', 'D4:accepted', 'D7:accepted']);
    expect((await act('teleport')).status).toBe(400);
  });
});
