import { afterEach, describe, expect, it } from 'vitest';
import { connectAsync } from 'mqtt';
import { startMesSimulator, type MesSimulator } from './index.ts';
import { subscribe, unique } from './test-support.ts';

let sim: MesSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('MES embedded broker with users and topic-prefix ACLs', () => {
  it('refuses bad credentials and subscriptions outside the user prefixes, and delivers what is allowed', async () => {
    sim = await startMesSimulator({
      sparkplug: { group: 'G', edge: 'E', intervalMs: 0 },
      brokerUsers: [
        { username: 'millrace', password: 's3cret', clientIdPrefix: 'millrace-', subscribe: ['acme/p100/'] },
      ],
    });
    const url = sim.brokerUrl;
    await expect(
      connectAsync(url, { clientId: 'millrace-1', username: 'millrace', password: 'wrong', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(
      connectAsync(url, { clientId: 'intruder-1', username: 'millrace', password: 's3cret', reconnectPeriod: 0 }),
    ).rejects.toThrow();

    const sub = await subscribe(url, ['acme/p100/#'], {
      clientId: unique('millrace'),
      username: 'millrace',
      password: 's3cret',
    });
    try {
      // Outside the prefixes: SUBACK 0x80, which mqtt.js reports as a subscribe error.
      await expect(sub.client.subscribeAsync('spBv1.0/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
      await expect(sub.client.subscribeAsync('acme/p200/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
      const result = await sim.runScenario({ batches: 2 });
      const p100 = result.lots.filter((l) => l.plant === 'P100');
      await sub.waitUntil((ms) => ms.filter((m) => m.topic.endsWith('/batch-completed')).length >= p100.length);
      expect(p100.length).toBeGreaterThan(0);
      expect(sub.messages.every((m) => m.topic.startsWith('acme/p100/'))).toBe(true);

      // No publish rights: aedes refuses the publish (and closes that connection); no hold arrives.
      const writer = await connectAsync(url, {
        clientId: unique('millrace'),
        username: 'millrace',
        password: 's3cret',
        reconnectPeriod: 0,
      });
      const closed = new Promise<void>((r) => writer.once('close', () => r()));
      writer.publish('acme/p100/bldg-a/line-3/mes/commands/hold', JSON.stringify({ id: 'c1', data: {} }), { qos: 1 });
      await closed;
      writer.end(true);
      expect(sim.store.commands).toEqual([]);
      // The simulator's own clients (UNS publisher and Sparkplug edge) got in with internal credentials.
      expect(sim.edge!.connected).toBe(true);
    } finally {
      await sub.close();
    }
  });
});
