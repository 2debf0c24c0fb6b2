import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, CancelledError, RemoteError, TransientError } from '@millrace/node-sdk';
import type { SapClient } from './client.ts';
import type { SapTestServer } from './test-server.ts';
import { ORDERS, ORDER_SET, clientFor, failure, startOrderServer } from './test-fixtures.ts';

let server: SapTestServer;
let client: SapClient;

beforeEach(async () => {
  server = await startOrderServer();
  client = clientFor(server);
});
afterEach(async () => {
  await client.close();
  await server.close();
});

const read = (c = client) => c.service(ORDERS).readEntity(ORDER_SET, '1000123');

describe('SAP error answers', () => {
  it('turn a V2 error body into a RemoteError with the SAP code as vendorCode and the message text', async () => {
    server.fault({
      kind: 'reject',
      status: 400,
      code: 'CO/016',
      message: 'Order 1000123 is locked by user PLANNER01',
      details: [
        {
          code: 'CO/016',
          message: 'Order 1000123 is locked by user PLANNER01',
          severity: 'error',
          target: '',
          propertyref: '',
        },
        {
          code: '/IWBEP/CX_MGW_BUSI_EXCEPTION',
          message: 'Business error',
          severity: 'error',
          target: '',
          propertyref: '',
        },
      ],
    });
    const error = await failure(client.service(ORDERS).update(ORDER_SET, '1000123', { Priority: 1 }, { ifMatch: '*' }));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'SAP_REJECTED', status: 400, vendorCode: 'CO/016', retryable: false });
    expect(error.message).toContain('Order 1000123 is locked by user PLANNER01');
    const json = JSON.parse(JSON.stringify(error)) as { details: Record<string, unknown> };
    expect(json.details).toMatchObject({
      sapCode: 'CO/016',
      sapMessage: 'Order 1000123 is locked by user PLANNER01',
      sapLang: 'en',
      transactionId: expect.stringMatching(/^SIM/),
      errorDetails: [
        { code: 'CO/016', message: 'Order 1000123 is locked by user PLANNER01', severity: 'error' },
        { code: '/IWBEP/CX_MGW_BUSI_EXCEPTION', message: 'Business error', severity: 'error' },
      ],
    });
    // Request headers (credentials, token, cookies) never reach the journal.
    expect(JSON.stringify(json)).not.toMatch(/Basic|SAP_SESSIONID|x-csrf/i);
  });

  it('turn 503 with Retry-After into a TransientError carrying retryAfterMs', async () => {
    server.fault({ kind: 'unavailable', status: 503, retryAfter: '120' });
    const error = await failure(read());
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'SAP_TRANSIENT', retryAfterMs: 120_000, retryable: true });
    expect(error.message).toContain('The system is not available');
  });

  it('turn an HTML maintenance page from the Web Dispatcher into a TransientError too', async () => {
    server.fault({ kind: 'unavailable', status: 503, html: true, retryAfter: 'Wed, 21 Oct 2099 07:28:00 GMT' });
    const error = await failure(read());
    expect(error).toMatchObject({ code: 'SAP_TRANSIENT' });
    expect((error as TransientError).retryAfterMs).toBeGreaterThan(0);
    expect((error as TransientError).details.bodyExcerpt).toContain('maintenance');
  });

  it.each([429, 502, 504] as const)('turn %i into a TransientError', async (status) => {
    server.fault({ kind: 'unavailable', status });
    expect(await failure(read())).toMatchObject({ code: 'SAP_TRANSIENT', retryable: true });
  });

  it('turn a 503 on the token fetch into a TransientError before anything is written', async () => {
    server.fault({ kind: 'unavailable', status: 503, methods: ['GET'] });
    const error = await failure(client.service(ORDERS).create(ORDER_SET, { ManufacturingOrder: '9' }));
    expect(error).toMatchObject({ code: 'SAP_TRANSIENT' });
    expect(server.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('turn refused credentials into an AuthError', async () => {
    const wrong = clientFor(server, { auth: { kind: 'basic', username: 'MILLRACE_COMM', password: 'wrong' } });
    try {
      const error = await failure(read(wrong));
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ code: 'SAP_UNAUTHORIZED' });
    } finally {
      await wrong.close();
    }
  });

  it('turn a 403 that is not about the CSRF token into an AuthError, without refetching a token', async () => {
    server.fault({
      kind: 'reject',
      status: 403,
      code: 'SIM/403',
      message: 'No authorization for plant P200',
      methods: ['POST'],
    });
    const error = await failure(client.service(ORDERS).create(ORDER_SET, { ManufacturingOrder: '9' }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain('No authorization for plant P200');
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('turn a wrong sap-client into a remote rejection naming the client', async () => {
    const other = clientFor(server, { client: '200' });
    try {
      const error = await failure(read(other));
      expect(error).toMatchObject({ code: 'SAP_REJECTED', status: 400, vendorCode: '/IWFND/CM_BEC/026' });
      expect(error.message).toContain('sap-client 200');
    } finally {
      await other.close();
    }
  });
});

describe('network failures', () => {
  it('are transient, with the SAP code', async () => {
    const origin = server.baseUrl;
    await server.close();
    const c = clientFor({ ...server, baseUrl: origin });
    try {
      const error = await failure(read(c));
      expect(error).toBeInstanceOf(TransientError);
      expect(error).toMatchObject({ code: 'SAP_TRANSIENT', details: { reason: 'network' } });
    } finally {
      await c.close();
      server = await startOrderServer();
    }
  });

  it('include a write that commits and then never answers: a timeout, with the change made', async () => {
    server.fault({ kind: 'commit-then-hang', methods: ['POST'] });
    const error = await failure(
      client
        .service(ORDERS)
        .create(ORDER_SET, { ManufacturingOrder: '5000001', Material: 'M-1', Priority: 1 }, { timeoutMs: 300 }),
    );
    expect(error).toMatchObject({ code: 'SAP_TRANSIENT', details: { reason: 'timeout' } });
    // This is why business nodes read back before posting again.
    expect(server.entity(ORDERS, ORDER_SET, { ManufacturingOrder: '5000001' })).toBeDefined();
  });

  it('stop quietly when the caller aborts', async () => {
    server.fault({ kind: 'commit-then-hang', methods: ['PATCH'] });
    const abort = new AbortController();
    const pending = client
      .service(ORDERS)
      .update(ORDER_SET, '1000123', { Priority: 2 }, { ifMatch: '*', signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    expect(await failure(pending)).toBeInstanceOf(CancelledError);
  });
});
