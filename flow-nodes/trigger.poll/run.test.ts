import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, RemoteError, TransientError, type TriggerContext } from '@millrace/node-sdk';
import { createHttpClient, type HttpClient } from '../connections/http/client.ts';
import { createSapClient } from '../connections/sap-odata-v2/client.ts';
import {
  ERP_CREDENTIALS,
  ORDER_SERVICE,
  ORDER_SET,
  startErpTestServer,
} from '../connections/sap-odata-v2/test-server-erp.ts';
import { sendJson, startTestServer, type TestServer } from '../connections/http/test-server.ts';
import { silentLogger } from '../shared/test-context.ts';
import { pollOnce } from './run.ts';

let api: TestServer;
let client: HttpClient;
const changes = [
  { id: 'I-1', updatedAt: '2026-11-28T10:00:00Z' },
  { id: 'I-2', updatedAt: '2026-11-28T10:05:00Z' },
];

beforeEach(async () => {
  api = await startTestServer((req, res) => {
    const since = new URL(req.url!, 'http://x').searchParams.get('updatedSince')!;
    sendJson(res, 200, JSON.stringify({ items: changes.filter((c) => c.updatedAt > since) }));
  });
  client = createHttpClient({ baseUrl: api.origin + '/api', auth: { kind: 'none' }, timeoutMs: 5000 });
});
afterEach(async () => {
  await client.close();
  await api.close();
});

function context(failAccept = false) {
  const state = new Map<string, unknown>();
  const accepted: unknown[] = [];
  const ctx: TriggerContext = {
    config: { path: '/inspections', itemsField: 'items', initialWatermark: '2026-11-28T00:00:00Z' },
    connection: client,
    params: {},
    signal: new AbortController().signal,
    log: silentLogger,
    state: {
      get: async (k) => state.get(k),
      put: async (k, v) => void state.set(k, v),
      claim: async (k, v) => ({ claimed: true, value: v }),
      delete: async (k) => void state.delete(k),
    },
    async accept(event) {
      if (failAccept) throw new TransientError('ENGINE_STOPPING', 'stopping');
      accepted.push(JSON.parse(event.payloadText));
      return { runId: String(accepted.length), duplicate: false };
    },
    async reject() {},
  };
  return { ctx, state, accepted };
}

describe('trigger.poll', () => {
  it('starts a run per changed item and moves the watermark past them', async () => {
    const { ctx, state, accepted } = context();
    expect(await pollOnce(ctx, client)).toBe(2);
    expect(accepted).toEqual(changes);
    expect(state.get('watermark')).toBe('2026-11-28T10:05:00Z');
    expect(await pollOnce(ctx, client)).toBe(0);
    expect(api.requests.at(-1)!.url).toBe('/api/inspections?updatedSince=2026-11-28T10%3A05%3A00Z');
  });

  it('keeps the watermark when the items could not be stored, so the next poll asks again', async () => {
    const { ctx, state } = context(true);
    await expect(pollOnce(ctx, client)).rejects.toBeInstanceOf(TransientError);
    expect(state.get('watermark')).toBeUndefined();
  });

  it('refuses an answer without items as a remote error', async () => {
    api.handle((_req, res) => sendJson(res, 200, '{"count":2}'));
    await expect(pollOnce(context().ctx, client)).rejects.toBeInstanceOf(RemoteError);
  });
});

describe('trigger.poll on SAP OData', () => {
  it('starts a run per order changed since the watermark and moves it to the newest change', async () => {
    const erp = await startErpTestServer();
    const sap = createSapClient({
      baseUrl: erp.baseUrl,
      client: '100',
      auth: { kind: 'basic', ...ERP_CREDENTIALS },
    });
    try {
      const { ctx, state, accepted } = context();
      const odata = {
        ...ctx,
        connection: sap,
        config: { service: ORDER_SERVICE, entitySet: ORDER_SET, initialWatermark: '2026-01-01T00:00:00Z' },
      };
      const n = await pollOnce(odata, sap);
      expect(n).toBeGreaterThan(0);
      expect(
        accepted.every((o) => typeof (o as { ManufacturingOrder?: unknown }).ManufacturingOrder === 'string'),
      ).toBe(true);
      const newest = (accepted as Array<{ LastChangeDateTime: string }>)
        .map((o) => o.LastChangeDateTime)
        .sort()
        .at(-1);
      expect(state.get('watermark')).toBe(newest);
      expect(await pollOnce(odata, sap)).toBe(0);
    } finally {
      await sap.close();
      await erp.close();
    }
  });

  it('refuses an OData poll without its entity set as a config error', async () => {
    const erp = await startErpTestServer();
    const sap = createSapClient({
      baseUrl: erp.baseUrl,
      client: '100',
      auth: { kind: 'basic', ...ERP_CREDENTIALS },
    });
    try {
      const { ctx } = context();
      await expect(pollOnce({ ...ctx, config: { service: ORDER_SERVICE } }, sap)).rejects.toBeInstanceOf(ConfigError);
    } finally {
      await sap.close();
      await erp.close();
    }
  });
});
