import { afterEach, describe, expect, it } from 'vitest';
import { startErpSimulator, type ErpSimulator } from './index.ts';
import { ErpHttp, ROOT } from './test-support/http.ts';

let erp: ErpSimulator | undefined;
afterEach(async () => erp?.close());

const SET = `${ROOT}/API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2`;
const q = (query: string) => `${SET}?${query.replaceAll(' ', '%20')}`;

async function start(options: Parameters<typeof startErpSimulator>[0] = {}) {
  erp = await startErpSimulator(options);
  return new ErpHttp(erp.url);
}

describe('ERP simulator query options on production orders', () => {
  it('filters, selects, sorts, pages and counts', async () => {
    const http = await start();
    const res = await http.get(
      q(
        `$filter=ProductionPlant eq 'P100' and (OrderIsReleased eq true or ManufacturingOrder eq '1000100')&$select=ManufacturingOrder,TotalQuantity,OrderIsReleased&$orderby=ManufacturingOrder desc&$top=3&$skip=1&$inlinecount=allpages`,
      ),
    );
    expect(res.status).toBe(200);
    const { results, __count } = res.json.d;
    // P100: 1000100 (CRTD) plus the released ones 1000103–1000109.
    expect(__count).toBe('8');
    expect(results.map((r: { ManufacturingOrder: string }) => r.ManufacturingOrder)).toEqual([
      '1000108',
      '1000107',
      '1000106',
    ]);
    expect(Object.keys(results[0]).sort()).toEqual([
      'ManufacturingOrder',
      'OrderIsReleased',
      'TotalQuantity',
      '__metadata',
    ]);
  });

  it('writes V2 types: /Date(ms)/ for Edm.DateTime, /Date(ms+0000)/ for DateTimeOffset, PT times, decimals as strings', async () => {
    const http = await start();
    const res = await http.get(`${SET}('1000100')`);
    const d = res.json.d;
    expect(d.MfgOrderPlannedStartDate).toMatch(/^\/Date\(\d+\)\/$/);
    expect(d.LastChangeDateTime).toMatch(/^\/Date\(\d+\+0000\)\/$/);
    expect(d.MfgOrderPlannedStartTime).toBe('PT06H00M00S');
    expect(d.TotalQuantity).toMatch(/^\d+\.000$/);
    expect(typeof d.OrderIsReleased).toBe('boolean');
    expect(d.to_ProductionOrderItem.__deferred.uri).toMatch(
      /A_ProductionOrder_2\('1000100'\)\/to_ProductionOrderItem$/,
    );
  });

  it('filters on dates with datetime and datetimeoffset literals (the trigger.poll watermark query)', async () => {
    const http = await start();
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    const all = (await http.get(q('$select=ManufacturingOrder,LastChangeDateTime&$orderby=LastChangeDateTime asc')))
      .json.d.results;
    const mark = Number(/\d+/.exec(all[5].LastChangeDateTime)![0]);
    const iso = new Date(mark).toISOString();
    const after = await http.get(
      q(`$filter=LastChangeDateTime gt datetimeoffset'${iso}'&$orderby=LastChangeDateTime asc`),
    );
    expect(after.json.d.results.map((r: { ManufacturingOrder: string }) => r.ManufacturingOrder)).toEqual(
      all.slice(6).map((r: { ManufacturingOrder: string }) => r.ManufacturingOrder),
    );
    const day = await http.get(
      q(
        `$filter=MfgOrderPlannedStartDate ge datetime'2026-03-02T00:00' and MfgOrderPlannedStartDate lt datetime'2026-03-03T00:00:00'&$select=MfgOrderPlannedStartDate`,
      ),
    );
    for (const r of day.json.d.results) expect(r.MfgOrderPlannedStartDate).toBe(`/Date(${Date.UTC(2026, 2, 2)})/`);
    const bad = await http.get(q(`$filter=LastChangeDateTime gt datetimeoffset'2026-03-01T00:00:00'`));
    expect(bad.status).toBe(400);
    expect(bad.json.error.message.value).toMatch(/zone/);
  });

  it('compares decimals numerically and supports startswith, substringof and not', async () => {
    const http = await start();
    const big = await http.get(
      q(`$filter=TotalQuantity ge 500 and startswith(Material,'FG-1')&$select=TotalQuantity,Material`),
    );
    expect(big.json.d.results.length).toBeGreaterThan(0);
    for (const r of big.json.d.results) {
      expect(Number(r.TotalQuantity)).toBeGreaterThanOrEqual(500);
      expect(r.Material).toBe('FG-1000');
    }
    const sub = await http.get(q(`$filter=substringof('100020',ManufacturingOrder) and not (OrderIsReleased eq true)`));
    expect(sub.json.d.results.map((r: { ManufacturingOrder: string }) => r.ManufacturingOrder)).toEqual([
      '1000200',
      '1000201',
      '1000202',
    ]);
  });

  it('cuts at the server page size and links the rest with __next', async () => {
    const http = await start({ pageSize: 7 });
    const first = await http.get(q(`$select=ManufacturingOrder&$inlinecount=allpages`));
    expect(first.json.d.results).toHaveLength(7);
    expect(first.json.d.__count).toBe('20');
    const next: string = first.json.d.__next;
    expect(next).toMatch(/\$skiptoken=7/);
    const second = await http.get(new URL(next).pathname + new URL(next).search);
    expect(second.json.d.results).toHaveLength(7);
    expect(second.json.d.results[0].ManufacturingOrder).toBe('1000107');
    const third = await http.get(new URL(second.json.d.__next).pathname + new URL(second.json.d.__next).search);
    expect(third.json.d.results).toHaveLength(6);
    expect(third.json.d.__next).toBeUndefined();
  });

  it('expands navigations and counts', async () => {
    const http = await start();
    const res = await http.get(
      `${SET}('1000105')?$expand=to_ProductionOrderItem,to_ProductionOrderOperation,to_ProductionOrderComponent,to_ProductionOrderStatus`,
    );
    const d = res.json.d;
    expect(d.to_ProductionOrderItem.results[0]).toMatchObject({ ManufacturingOrderItem: '0001', Batch: 'B1000105' });
    expect(d.to_ProductionOrderOperation.results).toHaveLength(3);
    expect(d.to_ProductionOrderComponent.results.map((c: { Material: string }) => c.Material)).toEqual([
      'RM-2000',
      'RM-2100',
      'PK-3000',
    ]);
    expect(d.to_ProductionOrderStatus.results.map((s: { StatusShortName: string }) => s.StatusShortName)).toContain(
      'REL',
    );
    const count = await http.get(q(`$filter=ProductionPlant eq 'P200'`).replace('?', '/$count?'));
    expect(count.text).toBe('10');
    const nav = await http.get(`${SET}('1000105')/to_ProductionOrderStatus`);
    expect(nav.json.d.results.length).toBeGreaterThan(0);
  });

  it('refuses malformed query options with a 400 that says what is wrong', async () => {
    const http = await start();
    const cases: Array<[string, RegExp]> = [
      [`$top=-1`, /\$top/],
      [`$orderby=Material sideways`, /\$orderby/],
      [`$filter=Material eq 'FG-1000`, /unterminated/],
      [`$filter=Material eq`, /ends too early/],
      [`$expand=to_Nothing`, /to_Nothing/],
      [`$format=xml`, /\$format/],
      [`$apply=groupby`, /\$apply/],
    ];
    for (const [query, message] of cases) {
      const res = await http.get(q(query));
      expect(res.status, query).toBe(400);
      expect(res.json.error.message.value, query).toMatch(message);
    }
  });

  it('gives the same orders for the same seed and different ones for another seed', async () => {
    const quantities = async (seed: number) => {
      const http = await start({ seed });
      const r = (await http.get(q('$select=TotalQuantity'))).json.d.results.map(
        (x: { TotalQuantity: string }) => x.TotalQuantity,
      );
      await erp!.close();
      erp = undefined;
      return r.join(',');
    };
    const a = await quantities(7);
    expect(await quantities(7)).toBe(a);
    expect(await quantities(8)).not.toBe(a);
  });
});
