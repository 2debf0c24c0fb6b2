import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { validateEvent } from '@millrace/canonical';
import { startMesSimulator, type MesSimulator } from './index.ts';
import { subscribe, type Subscriber } from './test-support.ts';

let sim: MesSimulator | undefined;
let sub: Subscriber | undefined;
afterEach(async () => {
  await sub?.close();
  await sim?.close();
  sub = sim = undefined;
});

const KEY = { 'x-api-key': 'mes-sim-key' };

/** A simulator with two finished batches, the first out of spec. */
async function withBatches() {
  sim = await startMesSimulator({ sparkplug: false, seed: 3 });
  const result = await sim.runScenario({ batches: 2, outOfSpecRate: 0.5, plants: ['P100'] });
  const oos = result.lots.find((l) => l.outcome === 'out-of-spec')!;
  const good = result.lots.find((l) => l.outcome === 'good')!;
  return { sim, result, oos, good };
}

/** The request mes.send-hold makes over http (flow-nodes/mes.send-hold/via-http.ts). */
function hold(lotId: string, key: string, body: Record<string, unknown> = {}, headers: Record<string, string> = KEY) {
  return fetch(`${sim!.url}/mes/api/v1/batches/${encodeURIComponent(lotId)}/holds`, {
    method: 'POST',
    headers: { ...headers, accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({
      lotId,
      reason: 'Inspection INS-000001 rejected',
      holdType: 'quality',
      requestedBy: 'millrace',
      runId: 'run-1',
      ...body,
    }),
  });
}

describe('MES REST API: holds (the mes.send-hold contract)', () => {
  it('places a hold (201 holdId/status), replays it for the same key, and says HOLD_ACTIVE for another', async () => {
    const { good } = await withBatches();
    const first = await hold(good.lotId, 'mr-run-1-hold-0');
    expect(first.status).toBe(201);
    const answer = await first.json();
    expect(answer).toMatchObject({ holdId: 'H-0001', status: 'active', lotId: good.lotId, holdType: 'quality' });

    const again = await hold(good.lotId, 'mr-run-1-hold-0');
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(answer);

    const other = await hold(good.lotId, 'mr-run-2-hold-0');
    expect(other.status).toBe(409);
    expect(await other.json()).toEqual({
      error: expect.objectContaining({ code: 'HOLD_ACTIVE', existingId: 'H-0001', currentState: 'on_hold' }),
    });
    expect(sim!.store.holds.size).toBe(1);

    const reused = await hold(good.lotId, 'mr-run-1-hold-0', { reason: 'something else' });
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const record = (await (await fetch(`${sim!.url}/mes/api/v1/batches/${good.lotId}`, { headers: KEY })).json()) as {
      status: string;
      holds: Array<{ holdId: string }>;
    };
    expect(record.status).toBe('on_hold');
    expect(record.holds.map((h) => h.holdId)).toEqual(['H-0001']);
  });

  it('answers 404 for an unknown lot, 422 without a reason, 400 for bad bodies and 401 without the key', async () => {
    await withBatches();
    const unknown = await hold('LOT-NOPE', 'k1');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('LOT_NOT_FOUND');

    const { lotId } = sim!.store.batches.values().next().value!;
    const noReason = await hold(lotId, 'k2', { reason: '  ' });
    expect(noReason.status).toBe(422);
    expect(await noReason.json()).toMatchObject({ error: { code: 'REQUIRED_FIELD_MISSING', fields: ['reason'] } });
    expect((await hold(lotId, 'k3', { holdType: 'Quality Hold' })).status).toBe(400);
    expect((await hold(lotId, 'k4', { lotId: 'OTHER' })).status).toBe(400);
    const notJson = await fetch(`${sim!.url}/mes/api/v1/batches/${lotId}/holds`, {
      method: 'POST',
      headers: KEY,
      body: 'lot=1',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });

    const anonymous = await hold(lotId, 'k5', {}, {});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect((await hold(lotId, 'k6', {}, { authorization: 'Bearer mes-sim-key' })).status).toBe(201);
    expect((await hold(lotId, 'k7', {}, { 'x-api-key': 'wrong' })).status).toBe(401);
  });

  it('shows the hold on the retained lot state and releases it back to completed', async () => {
    const { good } = await withBatches();
    await hold(good.lotId, 'k1');
    sub = await subscribe(sim!.brokerUrl, [`acme/+/+/+/mes/state/lots/${good.lotId}`]);
    await sub.waitUntil((ms) => ms.length >= 1);
    expect(JSON.parse(sub.messages[0]!.text)).toMatchObject({ status: 'on_hold', hold: { holdId: 'H-0001' } });
    const released = await fetch(`${sim!.url}/mes/api/v1/batches/${good.lotId}/holds/H-0001/release`, {
      method: 'POST',
      headers: KEY,
    });
    expect(await released.json()).toMatchObject({ status: 'released' });
    await sub.waitUntil((ms) => ms.length >= 2);
    expect(JSON.parse(sub.messages[1]!.text)).toMatchObject({ status: 'completed' });
    expect(JSON.parse(sub.messages[1]!.text).hold).toBeUndefined();
  });

  it('takes the hold as an MQTT command once, however often QoS 1 delivers it', async () => {
    const { good } = await withBatches();
    sub = await subscribe(sim!.brokerUrl, ['nothing/#']);
    const command = {
      specversion: '1.0',
      id: '6a1f0c1e-52b1-5b0e-9d0e-0f4c2a9b7e11',
      source: '/millrace/flows/release',
      type: 'mes.hold.requested.v1',
      time: new Date().toISOString(),
      subject: good.lotId,
      datacontenttype: 'application/json',
      data: { lotId: good.lotId, reason: 'QMS rejected', holdType: 'quality', requestedBy: 'millrace', runId: 'r1' },
    };
    for (let i = 0; i < 2; i++)
      await sub.client.publishAsync('acme/p100/bldg-a/line-3/mes/commands/hold', JSON.stringify(command), { qos: 1 });
    await sub.client.publishAsync('acme/p100/bldg-a/line-3/mes/commands/hold', '{not json', { qos: 1 });
    await expect.poll(() => sim!.store.commands.length).toBe(3);
    expect(sim!.store.commands.map((c) => c.result)).toEqual(['placed', 'ignored: seen before', 'ignored: not JSON']);
    expect([...sim!.store.holds.values()]).toEqual([
      expect.objectContaining({ lotId: good.lotId, via: 'mqtt', commandId: command.id, status: 'active' }),
    ]);
  });
});

describe('MES REST API: orders and batch records', () => {
  it('takes an order download (flat or IDoc E1AFKOL), publishes order-received, and is idempotent', async () => {
    sim = await startMesSimulator({ sparkplug: false });
    sub = await subscribe(sim.brokerUrl, ['acme/#']);
    const post = (body: unknown) =>
      fetch(`${sim!.url}/mes/api/v1/orders`, { method: 'POST', headers: KEY, body: JSON.stringify(body) });
    const created = await post({
      E1AFKOL: { AUFNR: '000001000123', AUART: 'PI01', MATNR: 'FG-1000', WERKS: 'P200', GAMNG: '480', GMEIN: 'KG' },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      orderNumber: '1000123',
      plantId: 'P200',
      status: 'received',
      line: 'line-1',
    });
    await sub.waitUntil((ms) => ms.some((m) => m.topic === 'acme/p200/bldg-b/line-1/mes/events/order-received'));
    const event = JSON.parse(sub.messages.find((m) => m.topic.endsWith('/order-received'))!.text);
    expect(event).toMatchObject({ type: 'mes.order.received.v1', data: { plannedQty: { value: '480', uom: 'KGM' } } });

    const same = await post({
      orderNumber: '1000123',
      materialId: 'FG-1000',
      plantId: 'P200',
      plannedQty: { value: '480.000' },
    });
    expect(same.status).toBe(200);
    const clash = await post({
      orderNumber: '1000123',
      materialId: 'FG-2000',
      plantId: 'P200',
      plannedQty: { value: '1' },
    });
    expect(clash.status).toBe(409);

    const bad = await post({ orderNumber: 'x y', plannedQty: { value: '-1' } });
    expect(bad.status).toBe(400);
    expect(
      ((await bad.json()) as { error: { problems: Array<{ field: string }> } }).error.problems.map((p) => p.field),
    ).toEqual(['orderNumber', 'materialId', 'plantId', 'plannedQty.value']);
    const plant = await post({ orderNumber: '1', materialId: 'FG-1000', plantId: 'P999', plannedQty: { value: '1' } });
    expect(plant.status).toBe(422);
    expect((await fetch(`${sim.url}/mes/api/v1/orders/1000123`, { headers: KEY })).status).toBe(200);
    expect((await fetch(`${sim.url}/mes/api/v1/orders/999`, { headers: KEY })).status).toBe(404);
  });

  it('runs a batch for a downloaded order: the ERP batch from the order, a chosen excursion, valid events', async () => {
    sim = await startMesSimulator({ sparkplug: false });
    sub = await subscribe(sim.brokerUrl, ['acme/#']);
    await fetch(`${sim.url}/mes/api/v1/orders`, {
      method: 'POST',
      headers: KEY,
      body: JSON.stringify({
        orderNumber: '1000777',
        materialId: 'FG-1000',
        plantId: 'P100',
        plannedQty: { value: '250', unit: 'KG' },
        line: 'line-4',
        batch: 'B777',
      }),
    });
    const run = (id: string, body: unknown) =>
      fetch(`${sim!.url}/__sim/orders/${id}/run`, { method: 'POST', body: JSON.stringify(body) });
    expect((await run('404404', {})).status).toBe(404);
    expect((await run('1000777', { outcome: 'meh' })).status).toBe(400);
    expect((await run('1000777', { outcome: 'out-of-spec', outOfSpecParameter: 'PH' })).status).toBe(400);

    const res = await run('1000777', { outcome: 'out-of-spec', outOfSpecParameter: 'MOISTURE' });
    expect(res.status).toBe(200);
    const truth = (await res.json()) as { lotId: string; erpBatch: string; eventIds: { batchCompleted: string } };
    expect(truth).toMatchObject({ erpBatch: 'B777', outcome: 'out-of-spec', outOfSpecParameter: 'MOISTURE' });
    await sub.waitUntil((ms) => ms.some((m) => m.text.includes(truth.eventIds.batchCompleted)));
    const names = sub.messages.filter((m) => m.topic.includes('/events/')).map((m) => m.topic.split('/').pop());
    expect(names).toEqual([
      'order-received',
      'batch-started',
      'material-consumed',
      'material-consumed',
      'deviation-raised',
      'batch-completed',
    ]);
    const done = JSON.parse(sub.messages.find((m) => m.text.includes(truth.eventIds.batchCompleted))!.text);
    expect(validateEvent(done)).toEqual([]);
    expect(done.data).toMatchObject({
      productionOrderId: '1000777',
      mesJobId: 'JOB-1000777',
      producedLot: { lotId: truth.lotId, erpBatch: 'B777' },
    });
    expect(sub.messages.find((m) => m.text.includes(truth.eventIds.batchCompleted))!.topic).toBe(
      'acme/p100/bldg-a/line-4/mes/events/batch-completed',
    );
    const moisture = (done.data.processParameters as Array<{ name: string; value: string; inSpec: boolean }>).find(
      (p) => p.name === 'MOISTURE',
    )!;
    expect(moisture.inSpec).toBe(false);
    expect(Number(moisture.value)).toBeGreaterThan(2);
    const order = (await (await fetch(`${sim.url}/mes/api/v1/orders/1000777`, { headers: KEY })).json()) as object;
    expect(order).toMatchObject({ status: 'completed', lots: [truth.lotId] });
  });

  it('seeds orders over /__sim/seed, answers bad seed data with 400, and frees everything when its port is taken', async () => {
    sim = await startMesSimulator({ sparkplug: false });
    const seed = (body: string) => fetch(`${sim!.url}/__sim/seed`, { method: 'POST', body });
    expect((await seed('{"orders": 3}')).status).toBe(400);
    const res = await seed(
      JSON.stringify({
        orders: [
          { orderNumber: '1000900', materialId: 'FG-1000', plantId: 'P100', plannedQty: { value: '100' } },
          { orderNumber: '' },
        ],
      }),
    );
    expect(await res.json()).toMatchObject({ seeded: 1, results: [{ status: 201 }, { status: 400 }] });
    expect(sim.store.orders.has('1000900')).toBe(true);

    // A second simulator on the same HTTP port fails to start and leaves no broker listening.
    const brokerPort = 20000 + Math.floor(Math.random() * 20000);
    await expect(startMesSimulator({ port: sim.port, brokerPort, sparkplug: false })).rejects.toThrow(/EADDRINUSE/);
    const again = await startMesSimulator({ brokerPort, sparkplug: false });
    await again.close();
  });

  it('serves the batch record with genealogy and an EBR summary that flags the out-of-spec batch', async () => {
    const { oos, good, result } = await withBatches();
    const get = async (path: string) => (await fetch(`${sim!.url}/mes/api/v1${path}`, { headers: KEY })).json();
    const record = (await get(`/batches/${oos.lotId}`)) as Record<string, unknown>;
    const planned = result.plan.batches.find((b) => b.lotId === oos.lotId)!;
    expect(record).toMatchObject({
      lotId: oos.lotId,
      erpBatch: oos.erpBatch,
      orderNumber: oos.orderNumber,
      status: 'completed',
      quantity: { value: planned.quantity.value, uom: 'KGM' },
      genealogy: {
        parents: planned.components.map((c) => expect.objectContaining({ lotId: c.lotId, materialId: c.materialId })),
      },
    });
    expect(await get(`/batches/${oos.lotId}/ebr-summary`)).toMatchObject({
      reviewByException: false,
      exceptionCount: 1,
      parameters: { total: 3, inSpec: 2, outOfSpec: [expect.objectContaining({ name: oos.outOfSpecParameter })] },
      recordHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(await get(`/batches/${good.lotId}/ebr-summary`)).toMatchObject({
      reviewByException: true,
      exceptionCount: 0,
    });
    expect((await fetch(`${sim!.url}/mes/api/v1/batches/NOPE/ebr-summary`, { headers: KEY })).status).toBe(404);
  });

  it('pushes the same events to a registered webhook', async () => {
    const got: Array<{ id: string | undefined; body: string }> = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        got.push({ id: req.headers['ce-id'] as string | undefined, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      sim = await startMesSimulator({ sparkplug: false });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const reg = await fetch(`${sim.url}/mes/api/v1/webhooks`, {
        method: 'POST',
        headers: KEY,
        body: JSON.stringify({ url, events: ['batch-completed'] }),
      });
      expect(reg.status).toBe(201);
      const bad = await fetch(`${sim.url}/mes/api/v1/webhooks`, {
        method: 'POST',
        headers: KEY,
        body: '{"url":"ftp://x"}',
      });
      expect(bad.status).toBe(400);
      const result = await sim.runScenario({ batches: 3 });
      await expect.poll(() => got.length).toBe(3);
      expect(got.map((g) => g.id)).toEqual(result.lots.map((l) => l.eventIds.batchCompleted));
      expect(JSON.parse(got[0]!.body)).toMatchObject({ type: 'mes.batch.completed.v1' });
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});
