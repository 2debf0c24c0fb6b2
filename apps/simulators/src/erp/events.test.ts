import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startErpSimulator, type CloudEvent, type ErpSimulator } from './index.ts';
import { ErpHttp, ROOT } from './test-support/http.ts';

let erp: ErpSimulator | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await erp?.close();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  erp = undefined;
  receiver = undefined;
});

/** A real webhook endpoint that keeps what it receives. */
async function webhook(): Promise<{ url: string; events: Array<{ contentType: string; event: CloudEvent }> }> {
  const events: Array<{ contentType: string; event: CloudEvent }> = [];
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      events.push({ contentType: String(req.headers['content-type']), event: JSON.parse(body) as CloudEvent });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`, events };
}

const SRV = `${ROOT}/API_PRODUCTION_ORDER_2_SRV`;

describe('ERP simulator business events', () => {
  it('sends key-only CloudEvents for a created and a released order to a registered webhook', async () => {
    const hook = await webhook();
    erp = await startErpSimulator({ tenant: 'T-4711' });
    const registered = await fetch(`${erp.url}/__sim/subscriptions`, {
      method: 'POST',
      body: JSON.stringify({ url: hook.url }),
    });
    expect(registered.status).toBe(201);
    const http = new ErpHttp(erp.url);
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    const created = await http.write('POST', `${SRV}/A_ProductionOrder_2`, {
      Material: 'FG-1000',
      ProductionPlant: 'P100',
      TotalQuantity: '100',
    });
    expect(created.status).toBe(201);
    const number = created.json.d.ManufacturingOrder as string;
    expect((await http.write('POST', `${SRV}/ReleaseOrder?ManufacturingOrder='${number}'`)).status).toBe(200);
    await erp.eventsIdle();

    expect(hook.events.map((e) => e.event.type)).toEqual([
      'sap.s4.beh.productionorder.v1.ProductionOrder.Created.v1',
      'sap.s4.beh.productionorder.v1.ProductionOrder.Released.v1',
    ]);
    const first = hook.events[0]!;
    expect(first.contentType).toBe('application/cloudevents+json');
    expect(first.event).toMatchObject({
      specversion: '1.0',
      source: '/default/sap.s4.beh/T-4711',
      datacontenttype: 'application/json',
    });
    expect(first.event.data).toEqual({ ManufacturingOrder: number });
    expect(first.event.id).not.toBe(hook.events[1]!.event.id);
    const outbox = erp.ctx.outbox.entries;
    expect(outbox.map((o) => [o.channel, o.target, o.delivered])).toEqual([
      ['webhook', hook.url, true],
      ['webhook', hook.url, true],
    ]);
  });

  it('delivers an event twice with the same id under a duplicate fault, and not at all under a drop fault', async () => {
    const hook = await webhook();
    erp = await startErpSimulator({ webhooks: [hook.url] });
    await fetch(`${erp.url}/__sim/faults`, {
      method: 'PUT',
      body: JSON.stringify({
        rules: [
          {
            id: 'dup',
            match: { topic: 'sap.s4.beh.productionorder.v1.ProductionOrder.Released.v1' },
            effect: { kind: 'duplicate', afterMs: 20 },
          },
          { id: 'lose', match: { topic: 'sap/s4/beh/inspectionlot/**' }, count: 1, effect: { kind: 'drop' } },
        ],
      }),
    });
    const http = new ErpHttp(erp.url);
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    expect((await http.write('POST', `${SRV}/ReleaseOrder?ManufacturingOrder='1000100'`)).status).toBe(200);
    // A goods receipt opens an inspection lot: its Created event is the one the drop rule loses.
    const gr = await http.write('POST', `${ROOT}/API_MATERIAL_DOCUMENT_SRV/A_MaterialDocumentHeader`, {
      GoodsMovementCode: '02',
      to_MaterialDocumentItem: [
        {
          Material: 'FG-1000',
          Plant: 'P100',
          StorageLocation: '0001',
          Batch: 'B8001',
          GoodsMovementType: '101',
          QuantityInEntryUnit: '10',
          EntryUnit: 'KG',
          ManufacturingOrder: '1000100',
        },
      ],
    });
    expect(gr.status).toBe(201);
    await erp.eventsIdle();

    const released = hook.events.filter((e) => e.event.type.endsWith('ProductionOrder.Released.v1'));
    expect(released).toHaveLength(2);
    expect(released[0]!.event.id).toBe(released[1]!.event.id);
    expect(released[0]!.event.data).toEqual({ ManufacturingOrder: '1000100' });
    expect(hook.events.some((e) => e.event.type.includes('InspectionLot'))).toBe(false);
    expect(hook.events.map((e) => e.event.type)).toContain(
      'sap.s4.beh.materialdocument.v1.MaterialDocument.Created.v1',
    );
    const dropped = erp.ctx.outbox.entries.filter((o) => o.fault === 'drop');
    expect(dropped).toHaveLength(1);
    expect((dropped[0]!.event as CloudEvent).type).toBe('sap.s4.beh.inspectionlot.v1.InspectionLot.Created.v1');
    const faults = (await (await fetch(`${erp.url}/__sim/faults`)).json()) as { history: Array<{ rule: string }> };
    expect(faults.history.map((h) => h.rule).sort()).toEqual(['dup', 'lose']);
  });
});
