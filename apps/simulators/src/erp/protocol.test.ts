import { afterEach, describe, expect, it } from 'vitest';
import { startErpSimulator, type ErpSimulator } from './index.ts';
import { ErpHttp, ROOT } from './test-support/http.ts';

let erp: ErpSimulator | undefined;
afterEach(async () => erp?.close());

const ORDERS = `${ROOT}/API_PRODUCTION_ORDER_2_SRV`;
const order = (n: string) => `${ORDERS}/A_ProductionOrder_2('${n}')`;

async function start(options: Parameters<typeof startErpSimulator>[0] = {}) {
  erp = await startErpSimulator(options);
  return { erp, http: new ErpHttp(erp.url) };
}

describe('ERP simulator protocol: auth, CSRF, ETags, errors', () => {
  it('refuses a write without a CSRF token with 403 X-CSRF-Token: Required, accepts it with the fetched token and cookie', async () => {
    const { http } = await start();
    const refused = await http.write('POST', `${ORDERS}/ReleaseOrder?ManufacturingOrder='1000100'`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-csrf-token')).toBe('Required');
    expect(refused.text).toBe('CSRF token validation failed');

    const fetched = await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    expect(fetched.status).toBe(200);
    expect(http.token).toMatch(/.{16,}/);
    expect(http.cookie).toMatch(/SAP_SESSIONID_S4H_100=/);
    const released = await http.write('POST', `${ORDERS}/ReleaseOrder?ManufacturingOrder='1000100'`);
    expect(released.status).toBe(200);
    expect(released.json.d).toMatchObject({ ManufacturingOrder: '1000100', OrderIsReleased: true });
  });

  it('refuses the token without its session cookie, and a token of an expired session', async () => {
    const { erp, http } = await start({ csrfTtlMinutes: 5 });
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    const cookie = http.cookie;
    http.cookie = undefined;
    expect((await http.write('POST', `${ORDERS}/ReleaseOrder?ManufacturingOrder='1000100'`)).status).toBe(403);
    http.cookie = cookie;
    erp.ctx.clock.advance(6 * 60_000);
    const expired = await http.write('POST', `${ORDERS}/ReleaseOrder?ManufacturingOrder='1000100'`);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('x-csrf-token')).toBe('Required');
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    expect((await http.write('POST', `${ORDERS}/ReleaseOrder?ManufacturingOrder='1000100'`)).status).toBe(200);
  });

  it('answers PATCH without If-Match with 428, a stale ETag with 412, the current one with 204 and a new ETag', async () => {
    const { http } = await start();
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    const read = await http.get(order('1000101'));
    const etag = read.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"datetimeoffset'.+'"$/);
    expect(read.json.d.__metadata.etag).toBe(etag);

    const missing = await http.write('PATCH', order('1000101'), { TotalQuantity: '123.000' });
    expect(missing.status).toBe(428);
    expect(missing.json.error.message.value).toMatch(/If-Match/);

    const changed = await http.write('PATCH', order('1000101'), { TotalQuantity: '123.000' }, { 'if-match': etag });
    expect(changed.status).toBe(204);
    const next = changed.headers.get('etag')!;
    expect(next).not.toBe(etag);

    const stale = await http.write('PATCH', order('1000101'), { TotalQuantity: '1.000' }, { 'if-match': etag });
    expect(stale.status).toBe(412);
    const now = await http.get(order('1000101'));
    expect(now.json.d.TotalQuantity).toBe('123.000');
    expect(now.headers.get('etag')).toBe(next);
  });

  it('authenticates Basic users and OAuth2 client-credentials tokens, and refuses a wrong sap-client or password with 401', async () => {
    const { erp, http } = await start();
    expect((await http.get(`${ORDERS}/A_ProductionOrder_2?$top=1&sap-client=100`)).status).toBe(200);
    const wrongClient = await http.get(`${ORDERS}/A_ProductionOrder_2?$top=1&sap-client=200`);
    expect(wrongClient.status).toBe(401);
    expect(wrongClient.json.error.message.value).toMatch(/client 200/);
    expect((await http.get(`${ORDERS}/A_ProductionOrder_2`, { 'sap-client': '300' })).status).toBe(401);
    const wrongPassword = new ErpHttp(erp.url, 'Basic ' + Buffer.from('MILLRACE_COMM:nope').toString('base64'));
    expect((await wrongPassword.get(`${ORDERS}/A_ProductionOrder_2`)).status).toBe(401);

    const tokenRes = await fetch(`${erp.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'Basic ' + Buffer.from('millrace-erp:erp-client-secret').toString('base64'),
      },
      body: 'grant_type=client_credentials',
    });
    const token = (await tokenRes.json()) as { access_token: string; expires_in: number };
    expect(token.expires_in).toBe(3600);
    const bearer = new ErpHttp(erp.url, `Bearer ${token.access_token}`);
    expect((await bearer.get(`${ORDERS}/A_ProductionOrder_2?$top=1`)).status).toBe(200);
    erp.ctx.clock.advance(3601_000);
    expect((await bearer.get(`${ORDERS}/A_ProductionOrder_2?$top=1`)).status).toBe(401);
    const badSecret = await fetch(`${erp.url}/oauth/token`, {
      method: 'POST',
      body: 'grant_type=client_credentials&client_id=millrace-erp&client_secret=x',
    });
    expect(badSecret.status).toBe(401);
  });

  it('only allows the auth methods configured', async () => {
    const { http } = await start({ auth: { oauth: { clientId: 'c', clientSecret: 's' } } });
    expect((await http.get(`${ORDERS}/A_ProductionOrder_2?$top=1`)).status).toBe(401);
  });

  it('names what is wrong in V2 errors: unknown property, bad key literal, unknown entity, unknown service, bad JSON', async () => {
    const { http } = await start();
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    const unknownProp = await http.get(`${ORDERS}/A_ProductionOrder_2?$select=Nope`);
    expect(unknownProp.status).toBe(400);
    expect(unknownProp.json.error).toMatchObject({
      message: { lang: 'en' },
      innererror: { errordetails: [{ target: 'Nope' }] },
    });
    expect(unknownProp.json.error.message.value).toMatch(/'Nope'/);
    const numericKey = await http.get(`${ORDERS}/A_ProductionOrder_2(1000100)`);
    expect(numericKey.status).toBe(400);
    expect(numericKey.json.error.message.value).toMatch(/ManufacturingOrder/);
    const missing = await http.get(order('9999999'));
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('/IWBEP/CM_MGW_RT/020');
    const noService = await http.get(`${ROOT}/API_NOPE_SRV/X`);
    expect(noService.status).toBe(404);
    expect(noService.json.error.code).toBe('/IWFND/MED/170');
    const badJson = await http.write('POST', `${ORDERS}/A_ProductionOrder_2`, '{"Material":');
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.message.value).toMatch(/not valid JSON/);
    const badProp = await http.write('POST', `${ORDERS}/A_ProductionOrder_2`, { Material: 'FG-1000', Colour: 'red' });
    expect(badProp.status).toBe(400);
    expect(badProp.json.error.message.value).toMatch(/'Colour'/);
  });

  it('finds an order by its number with leading zeros, and pads order numbers in the inspection lot service in leading-zero mode', async () => {
    const { http } = await start({ leadingZeros: true });
    const padded = await http.get(order('000001000103'));
    expect(padded.status).toBe(200);
    expect(padded.json.d.ManufacturingOrder).toBe('1000103');
    const lot = await http.get(
      `${ROOT}/API_INSPECTIONLOT_SRV/A_InspectionLot('40000000001')?$select=InspectionLot,ManufacturingOrder`,
    );
    expect(lot.json.d).toMatchObject({ InspectionLot: '040000000001', ManufacturingOrder: '000001000103' });
  });

  it('refuses a write with a lock conflict when X-Sim-Fault: lock is sent', async () => {
    const { http } = await start();
    await http.fetchToken('API_PRODUCTION_ORDER_2_SRV');
    const locked = await http.write('POST', `${ORDERS}/ReleaseOrder?ManufacturingOrder='1000100'`, undefined, {
      'x-sim-fault': 'lock',
    });
    expect(locked.status).toBe(400);
    expect(locked.json.error.code).toBe('CO/086');
    expect((await http.get(order('1000100'))).json.d.OrderIsReleased).toBe(false);
  });

  it('serves $metadata as EDMX with the entity types, keys and function imports', async () => {
    const { http } = await start();
    const res = await http.get(`${ORDERS}/$metadata`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/xml/);
    expect(res.text).toContain('<EntityType Name="A_ProductionOrder_2Type"');
    expect(res.text).toContain('<PropertyRef Name="ManufacturingOrder"/>');
    expect(res.text).toContain(
      '<FunctionImport Name="ReleaseOrder" ReturnType="API_PRODUCTION_ORDER_2_SRV.A_ProductionOrder_2Type"',
    );
  });
});
