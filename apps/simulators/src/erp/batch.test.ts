import { afterEach, describe, expect, it } from 'vitest';
import { startErpSimulator, type ErpSimulator } from './index.ts';
import { ErpHttp, ROOT } from './test-support/http.ts';

let erp: ErpSimulator | undefined;
afterEach(async () => erp?.close());

const SRV = `${ROOT}/API_PRODUCTION_ORDER_2_SRV`;

function part(request: string, body?: unknown, headers: string[] = []): string {
  const json = body === undefined ? '' : JSON.stringify(body);
  return [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    '',
    request,
    ...headers,
    ...(body === undefined ? [] : ['Content-Type: application/json']),
    '',
    json,
  ].join('\r\n');
}

function changeSet(boundary: string, parts: string[]): string {
  return [
    `Content-Type: multipart/mixed; boundary=${boundary}`,
    '',
    ...parts.map((p) => `--${boundary}\r\n${p}`),
    `--${boundary}--`,
  ].join('\r\n');
}

function batch(parts: string[]): string {
  return parts.map((p) => `--batch_1\r\n${p}\r\n`).join('') + '--batch_1--\r\n';
}

describe('ERP simulator $batch', () => {
  it('rolls back a change set with one failing part, while another change set and the GET parts succeed', async () => {
    erp = await startErpSimulator();
    const http = new ErpHttp(erp.url);
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    const etag = (await http.get(`${SRV}/A_ProductionOrder_2('1000101')`)).headers.get('etag')!;
    const body = batch([
      part(`GET A_ProductionOrder_2('1000100')?$select=ManufacturingOrder,OrderIsReleased HTTP/1.1`),
      changeSet('cs_a', [
        // Absolute path, as the SAP Cloud SDK writes it; succeeds on its own…
        part(`PATCH ${SRV}/A_ProductionOrder_2('1000101') HTTP/1.1`, { TotalQuantity: '999.000' }, [
          `If-Match: ${etag}`,
        ]),
        part(`POST ReleaseOrder?ManufacturingOrder='1000102' HTTP/1.1`),
        // …but this one fails (CLSD needs TECO), so the whole change set is undone.
        part(`POST CloseOrder?ManufacturingOrder='1000103' HTTP/1.1`),
      ]),
      changeSet('cs_b', [part(`POST ${erp.url}${SRV}/ReleaseOrder?ManufacturingOrder='1000100' HTTP/1.1`)]),
      part(`GET A_ProductionOrder_2/$count HTTP/1.1`),
    ]);
    const res = await http.write('POST', `${SRV}/$batch`, body, {
      'content-type': 'multipart/mixed; boundary=batch_1',
    });
    expect(res.status).toBe(202);
    const boundary = /boundary=(\S+)/.exec(res.headers.get('content-type')!)![1]!;
    const parts = res.text.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(4);
    expect(parts[0]).toMatch(/HTTP\/1.1 200 OK[\s\S]*"OrderIsReleased":false/);
    expect(parts[1]).toMatch(/HTTP\/1.1 400 Bad Request[\s\S]*CO\/018/);
    expect(parts[1]).not.toMatch(/multipart\/mixed/);
    expect(parts[2]).toMatch(/multipart\/mixed[\s\S]*HTTP\/1.1 200 OK[\s\S]*"OrderIsReleased":true/);
    expect(parts[3]).toMatch(/HTTP\/1.1 200 OK[\s\S]*\r\n\r\n20/);

    const orders = new Map(erp.store().orders.map((o) => [o.ManufacturingOrder, o]));
    expect(orders.get('1000101')!.TotalQuantity).not.toBe('999.000');
    expect(orders.get('1000102')!.statuses).toEqual(['CRTD']);
    expect(orders.get('1000100')!.statuses).toEqual(['REL']);
    // The rolled-back release raised no event; the committed one did.
    await erp.eventsIdle();
    expect(erp.ctx.outbox.entries).toHaveLength(0);
  });

  it('needs the CSRF token for $batch and refuses a malformed body with a 400', async () => {
    erp = await startErpSimulator();
    const http = new ErpHttp(erp.url);
    const noToken = await http.write('POST', `${SRV}/$batch`, batch([part(`GET A_ProductionOrder_2 HTTP/1.1`)]), {
      'content-type': 'multipart/mixed; boundary=batch_1',
    });
    expect(noToken.status).toBe(403);
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    const noBoundary = await http.write('POST', `${SRV}/$batch`, 'x', { 'content-type': 'multipart/mixed' });
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.json.error.message.value).toMatch(/boundary/);
    const writeOutside = await http.write(
      'POST',
      `${SRV}/$batch`,
      batch([part(`POST ReleaseOrder?ManufacturingOrder='1000100' HTTP/1.1`)]),
      {
        'content-type': 'multipart/mixed; boundary=batch_1',
      },
    );
    expect(writeOutside.status).toBe(400);
    expect(writeOutside.json.error.message.value).toMatch(/change set/);
  });
});
