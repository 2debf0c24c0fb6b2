import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, RemoteError, TransientError } from '@millrace/node-sdk';
import { createHttpClient, type HttpClient } from '../connections/http/client.ts';
import { sendJson, startTestServer, type TestServer } from '../connections/http/test-server.ts';
import { testContext } from '../shared/test-context.ts';
import { node } from './run.ts';

let api: TestServer;
let client: HttpClient;
let status = 200;

beforeEach(async () => {
  status = 200;
  api = await startTestServer((_req, res) => sendJson(res, status, '{"ok":true}'));
  client = createHttpClient({ baseUrl: api.origin + '/hooks', auth: { kind: 'none' }, timeoutMs: 5000 });
});
afterEach(async () => {
  await client.close();
  await api.close();
});

const code = {
  run: () => Promise.reject(new Error('no code')),
  evaluate: async (e: readonly string[]) =>
    JSON.stringify(e.length === 1 ? ['Lot L1 on hold'] : ['Lot L1 on hold', 'temperature out of spec']),
};

describe('notify', () => {
  it('posts title, text, severity and the run it comes from, and passes the message on', async () => {
    const ctx = testContext({
      config: { title: 't', text: 'x', severity: 'critical' as const, path: '/ops' },
      payloadText: '{"lot":"L1"}',
      connection: client,
      code,
    });
    const result = await node.run(ctx);
    expect(result).toMatchObject({ outputs: [{ port: 'out', messages: [{ payloadText: '{"lot":"L1"}' }] }] });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.url).toBe('/hooks/ops');
    expect(JSON.parse(api.requests[0]!.body)).toEqual({
      title: 'Lot L1 on hold',
      text: 'temperature out of spec',
      severity: 'critical',
      flow: 'flow-1',
      run: 'run-1',
    });
  });

  it('classifies a busy endpoint as transient and a refusal as remote', async () => {
    status = 503;
    await expect(
      node.run(testContext({ config: { title: 't' }, payloadText: '{}', connection: client, code })),
    ).rejects.toBeInstanceOf(TransientError);
    status = 400;
    await expect(
      node.run(testContext({ config: { title: 't' }, payloadText: '{}', connection: client, code })),
    ).rejects.toBeInstanceOf(RemoteError);
  });

  it('needs a connection', async () => {
    await expect(node.run(testContext({ config: { title: 't' }, payloadText: '{}', code }))).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
