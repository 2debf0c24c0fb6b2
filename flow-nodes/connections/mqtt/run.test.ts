import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from '@millrace/node-sdk';
import { silentLogger } from '../../shared/test-context.ts';
import { connection } from './run.ts';
import { clearSession, name, startAedes, testBroker, type TestBroker } from './test-broker.ts';

let broker: TestBroker;
beforeAll(async () => {
  broker = await testBroker();
});
afterAll(() => broker.close());

const ctx = { log: silentLogger };

describe('mqtt connection', () => {
  it('keeps the definition it was built from', () => {
    expect(connection.type).toBe('mqtt');
    expect(connection.schema.properties.publishTimeoutMs).toBeDefined();
  });

  it('tests a reachable broker as ok', async () => {
    await expect(connection.test({ url: broker.url, clientId: name('t') }, ctx)).resolves.toEqual({ ok: true });
  });

  it.each([
    [4, 'the broker refused the user name or password.'],
    [5, 'the broker refused the user name or password (not authorized).'],
  ] as const)('reports refused credentials (CONNACK %i) in plain words', async (returnCode, message) => {
    const strict = await startAedes({
      authenticate: (_client, username, password, done) =>
        username === 'plant' && password?.toString() === 'right'
          ? done(null, true)
          : done(Object.assign(new Error('refused'), { returnCode }), null),
    });
    try {
      const refused = await connection.test({ url: strict.url, username: 'plant', password: 'wrong' }, ctx);
      expect(refused).toEqual({ ok: false, message: `${strict.url}: ${message}` });
      const accepted = await connection.test({ url: strict.url, username: 'plant', password: 'right' }, ctx);
      expect(accepted).toEqual({ ok: true });
    } finally {
      await strict.close();
    }
  });

  it('fails a publish at once with an AuthError when the broker refused the credentials', async () => {
    const strict = await startAedes({
      authenticate: (_client, _username, _password, done) =>
        done(Object.assign(new Error('refused'), { returnCode: 4 }), null),
    });
    const client = await connection.open({ url: strict.url, username: 'plant', password: 'wrong' }, ctx);
    try {
      const error = await client.publish('a/b', 'x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ code: 'MQTT_AUTH_REFUSED', retryable: false });
    } finally {
      await connection.close!(client);
      await strict.close();
    }
  });

  it('reports an unreachable broker without throwing, and without its credentials', async () => {
    const result = await connection.test({ url: 'mqtt://user:secret@127.0.0.1:1' }, ctx);
    expect(result).toEqual({ ok: false, message: 'mqtt://127.0.0.1:1: connection refused.' });
  });

  it('opens a connection that publishes, and closes it', async () => {
    const client = await connection.open({ url: broker.url }, ctx);
    await client.publish(name('millrace-test/open'), 'x', { qos: 1 });
    await connection.close!(client);
    await expect(client.publish('a/b', 'x')).rejects.toMatchObject({ code: 'MQTT_CLIENT_CLOSED' });
  });

  it('speaks MQTT 5 when asked (Mosquitto only: aedes speaks 3.1.1)', async (t) => {
    if (broker.kind !== 'mosquitto') t.skip();
    const clientId = name('v5');
    const client = await connection.open({ url: broker.url, protocolVersion: 5, clientId }, ctx);
    try {
      await client.publish(name('millrace-test/v5'), 'x', { qos: 1, properties: { contentType: 'text/plain' } });
    } finally {
      await connection.close!(client);
      await clearSession(broker.url, clientId);
    }
  });
});
