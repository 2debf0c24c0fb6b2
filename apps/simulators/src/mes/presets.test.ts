import { afterEach, describe, expect, it } from 'vitest';
import { validateEvent } from '@millrace/canonical';
import { startMesSimulator, type MesSimulator } from './index.ts';
import { batchReleaseMesOptions, DEFAULT_MQTT_PASSWORD } from './presets.ts';
import { subscribe } from './test-support.ts';

let sim: MesSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('MES preset for the batch-release pack', () => {
  it('takes the profile ports and secrets, and refuses an unknown plant', () => {
    const o = batchReleaseMesOptions('P200', { MES_P200_API_KEY: 'k200', MES_P200_MQTT_PASSWORD: 'pw' });
    expect(o).toMatchObject({ port: 4203, brokerPort: 4283, apiKey: 'k200' });
    expect(o.brokerUsers![0]).toMatchObject({ username: 'millrace-p200', password: 'pw' });
    expect(batchReleaseMesOptions('P100', {}).brokerUsers![0]!.password).toBe(DEFAULT_MQTT_PASSWORD);
    expect(() => batchReleaseMesOptions('P999', {})).toThrow(/P999/);
  });

  it("lets the pack's trigger (its client id, user and topic filter) receive valid batch completions", async () => {
    // The preset on free ports: the fixed ones may be taken on a developer machine.
    sim = await startMesSimulator({ ...batchReleaseMesOptions('P100', {}), port: 0, brokerPort: 0 });
    const trigger = await subscribe(sim.brokerUrl, ['acme/+/+/+/mes/events/batch-completed'], {
      clientId: 'millrace-batch-release-p100-1a2b3c4d',
      username: 'millrace-p100',
      password: DEFAULT_MQTT_PASSWORD,
    });
    try {
      const result = await sim.runScenario({ batches: 3 });
      expect(result.plan.batches.every((b) => b.plant === 'P100')).toBe(true);
      await trigger.waitUntil((ms) => ms.length >= 3);
      for (const m of trigger.messages) expect(validateEvent(JSON.parse(m.text))).toEqual([]);
      const hold = await fetch(`${sim.url}/mes/api/v1/batches/${result.lots[0]!.lotId}/holds`, {
        method: 'POST',
        headers: { 'x-api-key': 'mes-sim-key', 'idempotency-key': 'k' },
        body: JSON.stringify({ reason: 'rejected' }),
      });
      expect(hold.status).toBe(201);
    } finally {
      await trigger.close();
    }
  });
});
