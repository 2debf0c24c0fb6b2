import { afterEach, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { inProcessBroker, topicMatches, type InProcessBroker } from './mqtt-broker.ts';

let broker: InProcessBroker | undefined;
let client: mqtt.MqttClient | undefined;
afterEach(async () => {
  await client?.endAsync();
  await broker?.close();
  client = undefined;
  broker = undefined;
});

describe('inProcessBroker', () => {
  it('accepts a QoS 1 publish from an mqtt client and records it', async () => {
    broker = await inProcessBroker();
    client = await mqtt.connectAsync(broker.url, { clientId: 'mes-1' });
    await client.publishAsync('acme/P100/mes/events/batch-completed', JSON.stringify({ lotId: 'L-1' }), { qos: 1 });
    const message = await broker.waitForMessage('acme/+/mes/events/#');
    expect(message).toEqual({
      topic: 'acme/P100/mes/events/batch-completed',
      payload: '{"lotId":"L-1"}',
      qos: 1,
      retain: false,
      clientId: 'mes-1',
    });
  });

  it('delivers what the test publishes to a subscribed client', async () => {
    broker = await inProcessBroker();
    client = await mqtt.connectAsync(broker.url);
    await client.subscribeAsync('qms/decisions/#', { qos: 1 });
    const received = new Promise<string>((resolve) =>
      client!.on('message', (_t, payload) => resolve(payload.toString())),
    );
    await broker.publish('qms/decisions/INSP-1', { decision: 'accept' }, { qos: 1 });
    expect(JSON.parse(await received)).toEqual({ decision: 'accept' });
  });

  it('rejects a wait for a message that never comes', async () => {
    broker = await inProcessBroker();
    await expect(broker.waitForMessage('nothing/#', 50)).rejects.toThrow('no MQTT message on nothing/# within 50 ms');
  });
});

describe('topicMatches', () => {
  it('follows the MQTT wildcard rules', () => {
    expect(topicMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(topicMatches('a/+/c', 'a/b/d')).toBe(false);
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/#', 'a/b/c')).toBe(true);
    expect(topicMatches('a/b', 'a/b/c')).toBe(false);
  });
});
