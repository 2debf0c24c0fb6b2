import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantSecrets, presetPorts, startPlant, type Plant } from './plant.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const profileOf = (plant: string) =>
  JSON.parse(readFileSync(join(ROOT, `examples/batch-release/profiles/${plant}.json`), 'utf8')) as Record<
    string,
    unknown
  >;

describe('a plant of simulators', () => {
  let plant: Plant;
  beforeAll(async () => {
    plant = await startPlant({ plant: 'P100', ports: 'any', seed: 7, qaRobotDelayMs: false });
  });
  afterAll(async () => plant?.close());

  it('points the example profile at the ports the simulators actually listen on', () => {
    const profile = plant.profile(profileOf('P100')) as {
      connections: Record<string, { url?: string; baseUrl?: string; auth?: { tokenUrl?: string } }>;
    };
    const c = profile.connections;
    expect(c.erp!.baseUrl).toBe(`${plant.erp.url}/sap/opu/odata/sap`);
    expect(c.qms!.baseUrl).toBe(`${plant.qms.url}/qms/api/v1`);
    expect(c.qms!.auth!.tokenUrl).toBe(`${plant.qms.url}/qms/api/v1/oauth/token`);
    expect(c.mesApi!.baseUrl).toBe(plant.mes.url);
    expect(c.mes!.url).toBe(plant.brokerUrl);
    // The preset ports are not used when free ones were asked for, so two plants never collide.
    expect(new URL(plant.erp.url).port).not.toBe(String(presetPorts('P100').erp));
  });

  it('accepts the credentials the example profile names, and no others', async () => {
    const secrets = plantSecrets({});
    const good = await fetch(
      `${plant.erp.url}/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2?$top=1`,
      {
        headers: {
          authorization: `Basic ${Buffer.from(`MILLRACE_P100:${secrets.ERP_P100_PASSWORD}`).toString('base64')}`,
        },
      },
    );
    expect(good.status).toBe(200);
    const bad = await fetch(
      `${plant.erp.url}/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2?$top=1`,
      {
        headers: { authorization: `Basic ${Buffer.from('MILLRACE_P100:wrong').toString('base64')}` },
      },
    );
    expect(bad.status).toBe(401);
    const token = await fetch(`${plant.qms.url}/qms/api/v1/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=millrace-p100&client_secret=${secrets.QMS_P100_CLIENT_SECRET}`,
    });
    expect(token.status).toBe(200);
  });

  it('seeds the ERP with the scenario lots before the MES reports them', async () => {
    const truth = await plant.runScenario({ batches: 3 });
    const store = plant.erp.store();
    const lots = truth.lots;
    expect(lots.length).toBe(3);
    for (const lot of lots) {
      expect(
        store.inspectionLots.some(
          (l) => l.Batch === lot.erpBatch && l.Plant === 'P100' && l.InspectionLotOrigin === '04',
        ),
      ).toBe(true);
    }
  });

  it('books the goods receipts of a scenario started over the MES REST control plane too', async () => {
    const before = plant.erp.store().inspectionLots.length;
    const res = await fetch(`${plant.mes.url}/__sim/scenario`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batches: 2, plants: ['P100'] }),
    });
    expect(res.status).toBe(200);
    const truth = (await res.json()) as { lots: Array<{ erpBatch: string }> };
    const lots = plant.erp.store().inspectionLots.slice(before);
    expect(lots.map((l) => l.Batch)).toEqual(truth.lots.map((l) => l.erpBatch));
    expect(lots).toHaveLength(2);
  });

  it('refuses a plant it does not know', async () => {
    await expect(startPlant({ plant: 'P999', ports: 'any' })).rejects.toThrow(/unknown plant P999/);
  });
});
