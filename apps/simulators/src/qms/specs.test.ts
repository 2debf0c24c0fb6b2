import { afterEach, describe, expect, it } from 'vitest';
import { client, startQmsSimulator, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

interface SpecPage {
  items: Array<{ id: string; version: string; state: string; characteristics: Array<Record<string, unknown>> }>;
}

describe('QMS inspection specs', () => {
  it('seeds FG-1000 with the characteristic ids and limits the MES uses', async () => {
    sim = await startQmsSimulator();
    const res = await client(sim).get<SpecPage>('/inspection-specs?materialId=FG-1000');
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ id: 'SPEC-FG-1000', version: '3', state: 'effective' });
    expect(res.body.items[0]!.characteristics).toMatchObject([
      { charId: 'DRY-TEMP', lower: '55.0', upper: '65.0', uom: 'CEL' },
      { charId: 'MOISTURE', upper: '2.0', uom: 'P1' },
      { charId: 'ASSAY', lower: '98.0', upper: '102.0', uom: 'P1' },
    ]);
    const v2 = await client(sim).get<SpecPage>('/inspection-specs?materialId=FG-1000&version=2');
    expect(v2.body.items).toMatchObject([{ version: '2', state: 'superseded' }]);
  });

  it('upserts by PUT: a change is a new version with the old one kept, the same content changes nothing', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const body = {
      materialId: 'FG-2000',
      plantId: 'P200',
      characteristics: [{ charId: 'PH', name: 'pH', lower: '6.5', upper: '7.5' }],
    };
    const created = await api.call('PUT', '/inspection-specs/SPEC-FG-2000', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: '1', state: 'effective', revision: 1 });
    const same = await api.call('PUT', '/inspection-specs/SPEC-FG-2000', body);
    expect(same.status).toBe(200);
    expect(same.headers.get('x-qms-outcome')).toBe('unchanged');
    expect(same.body).toMatchObject({ version: '1', revision: 1 });
    const changed = await api.call('PUT', '/inspection-specs/SPEC-FG-2000', {
      ...body,
      characteristics: [{ charId: 'PH', name: 'pH', lower: '6.8', upper: '7.2' }],
    });
    expect(changed.body).toMatchObject({ version: '2', revision: 2, characteristics: [{ lower: '6.8' }] });
    const versions = await api.get<SpecPage>('/inspection-specs/SPEC-FG-2000/versions');
    expect(versions.body.items.map((v) => [v.version, v.state])).toEqual([
      ['1', 'superseded'],
      ['2', 'effective'],
    ]);
    expect((await api.get('/inspection-specs/SPEC-FG-2000?version=1')).body).toMatchObject({
      characteristics: [{ lower: '6.5' }],
    });
    const stale = await api.call('PUT', '/inspection-specs/SPEC-FG-2000', body, { 'if-match': '"rev-1"' });
    expect(stale.status).toBe(412);
    const bad = await api.call('PUT', '/inspection-specs/SPEC-X', {
      materialId: 'X',
      characteristics: [{ charId: 'A', lower: '5', upper: '1' }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { field: 'characteristics[0].lower' } });
    expect((sim.store().webhooks as { events: Array<{ type: string }> }).events.map((e) => e.type)).toEqual([
      'inspection_spec.created',
      'inspection_spec.updated',
    ]);
  });
});
