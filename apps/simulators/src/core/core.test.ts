import { afterEach, describe, expect, it } from 'vitest';
import { SimContext } from './context.ts';
import { addControlPlane } from './control.ts';
import { FaultEngine, drift } from './faults.ts';
import { Router, startSimServer, type SimServer } from './http.ts';
import { Rng } from './rng.ts';

let server: SimServer | undefined;
afterEach(async () => server?.close());

async function start(store: unknown[] = []) {
  const ctx = new SimContext('test', 42);
  const router = new Router();
  router.post('/things', (req) => {
    store.push(req.body);
    return { status: 201, body: { n: store.length } };
  });
  router.get('/things/:id', (req) => ({ status: 200, body: { id: req.params.id } }));
  addControlPlane(router, ctx, { reset: () => void (store.length = 0), store: () => ({ things: store }) });
  server = await startSimServer({ ctx, router });
  return { ctx, store, url: server.url };
}

describe('simulator core', () => {
  it('routes with params and answers 404 and 405 plainly', async () => {
    const { url } = await start();
    expect(await (await fetch(`${url}/things/a%20b`)).json()).toEqual({ id: 'a b' });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const res = await fetch(`${url}/things/1`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('injects a 503 with Retry-After on every second matching request, as many times as the rule says', async () => {
    const { url } = await start();
    await fetch(`${url}/__sim/faults`, {
      method: 'PUT',
      body: JSON.stringify({
        rules: [
          {
            id: 'r1',
            match: { method: 'POST', path: '/things' },
            nth: 2,
            count: 1,
            effect: { kind: 'status', status: 503, retryAfterSec: 2 },
          },
        ],
      }),
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${url}/things`, { method: 'POST', body: '{}' });
      statuses.push([res.status, res.headers.get('retry-after')]);
    }
    expect(statuses).toEqual([
      [201, null],
      [503, '2'],
      [201, null],
      [201, null],
    ]);
    const faults = (await (await fetch(`${url}/__sim/faults`)).json()) as {
      history: unknown[];
      rules: Array<{ fired: number; matched: number }>;
    };
    expect(faults.history).toHaveLength(1);
    expect(faults.rules[0]).toMatchObject({ fired: 1, matched: 4 });
  });

  it('commits and then never answers on timeout-after-commit', async () => {
    const { url, store } = await start();
    const answer = await fetch(`${url}/things`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'x-sim-fault': 'timeout' },
      signal: AbortSignal.timeout(300),
    }).catch((e: unknown) => e);
    expect(answer).toBeInstanceOf(Error);
    expect(store).toEqual([{ a: 1 }]);
  });

  it('logs requests, resets, and shows the store', async () => {
    const { url } = await start();
    await fetch(`${url}/things`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'idempotency-key': 'k1', authorization: 'Bearer secret' },
    });
    const log = (await (await fetch(`${url}/__sim/requests?path=/things`)).json()) as {
      requests: Array<{ headers: Record<string, string>; status: number }>;
    };
    expect(log.requests[0]!.headers).toMatchObject({ 'idempotency-key': 'k1', authorization: 'Bearer' });
    expect(log.requests[0]!.status).toBe(201);
    expect(await (await fetch(`${url}/__sim/store`)).json()).toEqual({ things: [{ a: 1 }] });
    await fetch(`${url}/__sim/reset`, { method: 'POST' });
    expect(await (await fetch(`${url}/__sim/store`)).json()).toEqual({ things: [] });
  });

  it('moves the virtual clock', async () => {
    const { url, ctx } = await start();
    const before = ctx.clock.now();
    await fetch(`${url}/__sim/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 86_400_000 }) });
    expect(ctx.clock.now() - before).toBeGreaterThanOrEqual(86_400_000);
  });

  it('fires probability rules the same way for the same seed', () => {
    const pattern = (seed: number) => {
      const f = new FaultEngine(new Rng(seed), () => '');
      f.set([{ id: 'p', match: { path: '/sap/**' }, probability: 0.3, effect: { kind: 'drop' } }]);
      return Array.from({ length: 50 }, () => (f.forRequest('GET', '/sap/opu/odata/x') ? 1 : 0)).join('');
    };
    expect(pattern(7)).toBe(pattern(7));
    expect(pattern(7)).not.toBe(pattern(8));
  });

  it('drifts a schema: renamed, removed and stringified fields', () => {
    expect(
      drift(
        { lotNumber: 'L1', qty: 5, keep: { uom: 'kg' } },
        { kind: 'schema-drift', rename: { lotNumber: 'lot' }, remove: ['uom'], numbersAsStrings: true },
      ),
    ).toEqual({ lot: 'L1', qty: '5', keep: {} });
  });
});
