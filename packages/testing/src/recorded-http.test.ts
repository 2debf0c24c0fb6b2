import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionBinding, PlantProfile } from '@millrace/flow-model';
import { flowHarness, runFlow, RunTimeoutError } from './flow-harness.ts';
import { recordedHttp, type RecordedHttp } from './recorded-http.ts';

const FLOW = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'inspection.flow.json');

const profileFor = (api: RecordedHttp): PlantProfile => ({
  schemaVersion: 1,
  plant: 'P100',
  name: 'Test plant',
  params: { plantCode: 'P100' },
  connections: {
    // A binding's fields beyond `type` belong to its connection type, so the profile type leaves them open.
    qms: {
      type: 'http',
      baseUrl: `${api.baseUrl}/api`,
      auth: { kind: 'bearer', token: { secret: 'QMS_TOKEN' } },
    } as ConnectionBinding,
  },
});

const created = { status: 201, json: { id: 'INSP-1' } };

let api: RecordedHttp | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('recordedHttp', () => {
  it('answers http.request in a flow run, and the profile connection resolves its secret', async () => {
    api = await recordedHttp([
      {
        request: {
          method: 'POST',
          path: '/api/inspections',
          json: { lot: 'L-1', plant: 'P100' },
          headers: { authorization: 'Bearer t0ken', 'idempotency-key': /^mr-/ },
        },
        response: created,
      },
    ]);
    const trace = await runFlow(FLOW, {
      profile: profileFor(api),
      secrets: { QMS_TOKEN: 't0ken' },
      input: { eventId: 'E-1', lotId: 'L-1' },
    });
    api.assertDone();
    expect(trace.status).toBe('succeeded');
    expect(trace.businessKeys).toEqual({ lot: 'L-1' });
    expect(trace.steps.at(-1)!.output).toEqual({ out: [{ inspectionId: 'INSP-1', status: '201' }] });
  });

  it('answers the same request in the order listed: a 503 first, then the retried call gets the 201', async () => {
    api = await recordedHttp([
      { request: { method: 'POST', path: '/api/inspections' }, response: { status: 503, text: 'busy' } },
      { request: { method: 'POST', path: '/api/inspections', bodyIncludes: '"L-2"' }, response: created },
    ]);
    const trace = await runFlow(FLOW, {
      profile: profileFor(api),
      secrets: { QMS_TOKEN: 't' },
      input: { lotId: 'L-2' },
    });
    api.assertDone();
    const create = trace.steps.find((s) => s.node === 'create')!;
    expect(create.attempts).toBe(2);
    expect(create.failedAttempts[0]!.error).toMatchObject({ code: 'HTTP_TRANSIENT' });
    expect(trace.status).toBe('succeeded');
  });

  it('lets a harness run a duplicate event: the repeated idempotency key reaches the endpoint once', async () => {
    api = await recordedHttp([{ request: { method: 'POST', path: '/api/inspections' }, response: created }]);
    const h = await flowHarness(FLOW, { profile: profileFor(api), secrets: { QMS_TOKEN: 't' } });
    try {
      const first = await h.run({ input: { eventId: 'E-9', lotId: 'L-9' } });
      const again = await h.run({ input: { eventId: 'E-9', lotId: 'L-9' } });
      expect(again).toMatchObject({ duplicate: true, runId: first.runId });
      expect(api.requests).toHaveLength(1);
    } finally {
      await h.close();
    }
    api.assertDone();
  });

  it('fails assertDone on a pending expectation, listing it', async () => {
    api = await recordedHttp([
      { request: { method: 'GET', path: '/api/orders/4711' }, response: { json: {} } },
      { request: { method: 'POST', path: '/api/holds', bodyIncludes: 'L-1' }, response: { status: 204 } },
    ]);
    await fetch(`${api.baseUrl}/api/orders/4711`);
    expect(() => api!.assertDone()).toThrow(
      /1 expectation\(s\) still pending.*\n {2}pending: POST \/api\/holds, body including "L-1" → 204/,
    );
  });

  it('fails assertDone on an unexpected request, which gets a 501', async () => {
    api = await recordedHttp([]);
    const res = await fetch(`${api.baseUrl}/api/orders?$filter=x`, { method: 'DELETE', body: 'gone' });
    expect(res.status).toBe(501);
    expect(() => api!.assertDone()).toThrow('unexpected: DELETE /api/orders?$filter=x gone');
  });

  it('in ordered mode, takes only the next expectation', async () => {
    api = await recordedHttp(
      [
        { request: { method: 'GET', path: '/a' }, response: { text: 'a' } },
        { request: { method: 'GET', path: '/b' }, response: { text: 'b' } },
      ],
      { ordered: true },
    );
    expect((await fetch(`${api.baseUrl}/b`)).status).toBe(501);
    expect(await (await fetch(`${api.baseUrl}/a`)).text()).toBe('a');
    expect(await (await fetch(`${api.baseUrl}/b`)).text()).toBe('b');
    expect(api.unexpected.map((r) => r.url)).toEqual(['/b']);
  });

  it('matches on query parameters and answers with the recorded status and headers', async () => {
    api = await recordedHttp([
      {
        request: { method: 'GET', path: '/orders', query: { plant: 'P100' } },
        response: { status: 200, headers: { etag: 'W/"1"' }, json: [{ id: 1 }] },
      },
    ]);
    const res = await fetch(`${api.baseUrl}/orders?plant=P100&top=5`);
    expect(res.headers.get('etag')).toBe('W/"1"');
    expect(await res.json()).toEqual([{ id: 1 }]);
    api.assertDone();
  });

  it('makes runFlow give up on a run that does not end in time, with the trace so far', async () => {
    api = await recordedHttp([
      { request: { method: 'POST', path: '/api/inspections' }, response: { ...created, delayMs: 1500 } },
    ]);
    const error = await runFlow(FLOW, {
      profile: profileFor(api),
      secrets: { QMS_TOKEN: 't' },
      input: { lotId: 'L-3' },
      timeoutMs: 200,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunTimeoutError);
    expect((error as RunTimeoutError).trace.status).toBe('running');
    expect((error as Error).message).toContain('create');
  });
});
