import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AuthError,
  CancelledError,
  ConfigError,
  DataError,
  RemoteError,
  TransientError,
  isFlowError,
  type CodeRunner,
  type NodeResult,
} from '@millrace/node-sdk';
import { createHttpClient, type HttpClient } from '../connections/http/client.ts';
import { sendJson, startTestServer, type TestServer } from '../connections/http/test-server.ts';
import { testContext, type TestContextOptions } from '../shared/test-context.ts';
import { node } from './run.ts';

type Config = Parameters<typeof node.run>[0]['config'];

let api: TestServer;
let client: HttpClient;

beforeEach(async () => {
  api = await startTestServer((_req, res) => sendJson(res, 200, '{"ok":true}'));
  client = createHttpClient({ baseUrl: api.origin + '/api/v1', auth: { kind: 'none' }, timeoutMs: 5000 });
});
afterEach(async () => {
  await client.close();
  await api.close();
});

/** A stand-in for the sandbox: looks expressions up in a table, counting the calls. */
function fakeCode(table: Record<string, unknown>): CodeRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: () => Promise.reject(new Error('not used')),
    evaluate: (expressions) => {
      calls.push([...expressions]);
      return Promise.resolve(
        JSON.stringify(
          expressions.map((e) => {
            if (!(e in table)) throw new Error(`unexpected expression ${e}`);
            return table[e];
          }),
        ),
      );
    },
  };
}

function run(
  config: Partial<Config>,
  extra: Omit<TestContextOptions<Config, HttpClient>, 'config' | 'connection'> = {},
) {
  return node.run(
    testContext<Config, HttpClient>({ config: { path: '/inspections', ...config }, connection: client, ...extra }),
  );
}

function firstMessage(result: NodeResult) {
  if (result.kind !== 'emit') throw new Error(`expected emit, got ${result.kind}`);
  expect(result.outputs[0]!.port).toBe('out');
  return result.outputs[0]!.messages[0] as { payloadText: string; headers: Record<string, string> };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected the node to fail');
    },
    (e: unknown) => e as Error,
  );
}

describe('http.request success', () => {
  it('sends the payload text and passes the JSON answer through byte for byte', async () => {
    const sent = '{ "lotId" : "L-1",  "qty": 1.50, "note": "ü\\u00e9" }';
    const answer = '{"id":  7,"value":1.0e2 ,"list":[ ]}';
    api.handle((_req, res) => sendJson(res, 201, answer, { etag: '"v1"', location: '/inspections/7' }));
    const message = firstMessage(
      await node.run(
        testContext<Config, HttpClient>({ config: { path: '/inspections' }, payloadText: sent, connection: client }),
      ),
    );
    expect(api.requests[0]).toMatchObject({ method: 'POST', url: '/api/v1/inspections', body: sent });
    expect(api.requests[0]!.headers['content-type']).toBe('application/json');
    expect(message.payloadText).toBe(answer);
    expect(message.headers).toEqual({
      'http-status': '201',
      'content-type': 'application/json',
      etag: '"v1"',
      location: '/inspections/7',
    });
  });

  it('keeps the message and adds the answer under "response" with output "merge"', async () => {
    api.handle((_req, res) => sendJson(res, 201, '{"id":"INS-7", "state":"created"}'));
    const message = firstMessage(
      await node.run(
        testContext<Config, HttpClient>({
          config: { path: '/inspections', output: 'merge', body: 'msg.payload.request' },
          payloadText: '{"lotId":"L-1","request":{"a":1},"response":"stale"}',
          connection: client,
          code: fakeCode({ 'msg.payload.request': { a: 1 } }),
        }),
      ),
    );
    expect(api.requests[0]!.body).toBe('{"a":1}');
    expect(JSON.parse(message.payloadText)).toEqual({
      lotId: 'L-1',
      request: { a: 1 },
      response: { id: 'INS-7', state: 'created' },
    });
    expect(message.payloadText).toContain('"response":{"id":"INS-7", "state":"created"}');
  });

  it('keeps a payload that is not an object under "input" with output "merge"', async () => {
    api.handle((_req, res) => sendJson(res, 200, '{"ok":true}'));
    const message = firstMessage(
      await node.run(
        testContext<Config, HttpClient>({
          config: { path: '/x', output: 'merge' },
          payloadText: '[1,2]',
          connection: client,
        }),
      ),
    );
    expect(JSON.parse(message.payloadText)).toEqual({ input: [1, 2], response: { ok: true } });
  });

  it('sends the payload text as is even when it is not JSON, since the engine guarantees it is', async () => {
    await node.run(
      testContext<Config, HttpClient>({ config: { path: '/x' }, payloadText: '{oops', connection: client }),
    );
    expect(api.requests[0]!.body).toBe('{oops');
  });

  it('sends a stable Idempotency-Key on every attempt of a step', async () => {
    for (const attempt of [1, 2, 3]) {
      await node.run(
        testContext<Config, HttpClient>({
          config: { path: '/x' },
          connection: client,
          attempt,
          idempotencyKey: 'r1:create:0',
        }),
      );
    }
    expect(api.requests.map((r) => r.headers['idempotency-key'])).toEqual([
      'r1:create:0',
      'r1:create:0',
      'r1:create:0',
    ]);
  });

  it('uses the configured idempotency header, or none when it is empty', async () => {
    await run({ idempotencyHeader: 'X-Request-Id' });
    await run({ idempotencyHeader: '' });
    expect(api.requests[0]!.headers['x-request-id']).toBe('run-1:node-1:0');
    expect(api.requests[0]!.headers['idempotency-key']).toBeUndefined();
    expect(api.requests[1]!.headers['idempotency-key']).toBeUndefined();
  });

  it('wraps a non-JSON answer as a JSON string and an empty one as null', async () => {
    api.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('line 1\n"quoted"');
    });
    expect(firstMessage(await run({})).payloadText).toBe(JSON.stringify('line 1\n"quoted"'));
    api.handle((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    expect(firstMessage(await run({})).payloadText).toBe('null');
  });

  it('wraps even a JSON answer as a string when responseType is text', async () => {
    expect(firstMessage(await run({ responseType: 'text' })).payloadText).toBe(JSON.stringify('{"ok":true}'));
  });

  it('accepts JSON media types such as application/problem+json', async () => {
    api.handle((_req, res) => sendJson(res, 200, '[1,2]', { 'content-type': 'application/vnd.x+json; charset=utf-8' }));
    expect(firstMessage(await run({})).payloadText).toBe('[1,2]');
  });

  it('fills path parts from expressions, URL-encoding each value, in one sandbox call with query and body', async () => {
    const code = fakeCode({
      'msg.payload.lot': 'LOT 7/A',
      'msg.payload.plant': 1000,
      'msg.payload.tags': ['a b', null, 'c'],
      'msg.payload.skip': null,
      '({ qty: msg.payload.qty })': { qty: 3 },
    });
    await run(
      {
        method: 'PUT',
        path: '/plants/{{msg.payload.plant}}/lots/{{ msg.payload.lot }}',
        query: { tag: 'msg.payload.tags', skip: 'msg.payload.skip' },
        body: '({ qty: msg.payload.qty })',
      },
      { code },
    );
    expect(code.calls).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({
      method: 'PUT',
      url: '/api/v1/plants/1000/lots/LOT%207%2FA?tag=a+b&tag=c',
      body: '{"qty":3}',
    });
  });

  it('sends no body for body "none" and for GET', async () => {
    await run({ body: 'none' });
    await run({ method: 'GET' });
    expect(api.requests.map((r) => [r.method, r.body, r.headers['content-type']])).toEqual([
      ['POST', '', undefined],
      ['GET', '', undefined],
    ]);
  });

  it('does not call the sandbox when there is nothing to evaluate', async () => {
    await run({}); // the default CodeRunner of the test context throws if called
    expect(api.requests).toHaveLength(1);
  });

  it('sends configured headers', async () => {
    await run({ headers: { 'X-Plant': 'P100' } });
    expect(api.requests[0]!.headers['x-plant']).toBe('P100');
  });
});

describe('http.request failures', () => {
  it('turns 503 with Retry-After seconds into a transient error with the delay', async () => {
    api.handle((_req, res) => sendJson(res, 503, '{}', { 'retry-after': '2' }));
    const error = await failure(run({}));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'HTTP_TRANSIENT', retryAfterMs: 2000 });
  });

  it('turns 429 with an HTTP-date Retry-After into the time left', async () => {
    const at = new Date(Date.now() + 10_000);
    api.handle((_req, res) => sendJson(res, 429, '{}', { 'retry-after': at.toUTCString() }));
    const error = (await failure(run({}))) as TransientError;
    expect(error).toBeInstanceOf(TransientError);
    expect(error.retryAfterMs).toBeGreaterThan(7000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(10_000);
  });

  it('turns 500 into a remote error with the status, a body excerpt and the vendor code, never the credentials', async () => {
    await client.close();
    client = createHttpClient({ baseUrl: api.origin, auth: { kind: 'bearer', token: 'SECRET-TOKEN' } });
    api.handle((_req, res) =>
      sendJson(res, 500, JSON.stringify({ error: { code: 'QMS-17', text: 'x'.repeat(2000) } })),
    );
    const error = (await failure(run({ path: '/lots?lot=L1' }))) as RemoteError;
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'HTTP_REJECTED', status: 500, vendorCode: 'QMS-17' });
    expect(String(error.details.bodyExcerpt).length).toBeLessThanOrEqual(501);
    expect(error.details.url).toBe(`${api.origin}/lots`);
    expect(JSON.stringify(error)).not.toContain('SECRET-TOKEN');
  });

  it('turns 401 and 403 into auth errors', async () => {
    for (const status of [401, 403]) {
      api.handle((_req, res) => sendJson(res, status, '{}'));
      const error = await failure(run({}));
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ code: 'HTTP_UNAUTHORIZED' });
    }
  });

  it('turns a redirect into a remote error instead of following it', async () => {
    api.handle((_req, res) => {
      res.writeHead(301, { location: 'https://elsewhere.example/' });
      res.end();
    });
    const error = await failure(run({}));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error.message).toContain('redirects are not followed');
  });

  it('times out a server that hangs past timeoutMs', async () => {
    api.handle(() => {});
    const error = await failure(run({ timeoutMs: 100 }));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain('no answer within 100 ms');
  });

  it('reports a server that destroys the socket as transient', async () => {
    api.handle((req) => req.socket.destroy());
    const error = await failure(run({}));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: 'HTTP_TRANSIENT' });
  });

  it('refuses a literal absolute URL to another host without sending', async () => {
    const error = await failure(run({ path: 'http://127.0.0.9:9/collect' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'HTTP_ORIGIN_REFUSED' });
    expect(api.requests).toHaveLength(0);
  });

  it('keeps a URL that comes from an expression on the connection, as one encoded segment', async () => {
    await run(
      { path: '{{msg.payload.callback}}' },
      { code: fakeCode({ 'msg.payload.callback': 'http://127.0.0.9:9/x' }) },
    );
    expect(api.requests.map((r) => r.url)).toEqual(['/api/v1/http%3A%2F%2F127.0.0.9%3A9%2Fx']);
  });

  it.each([
    [null, 'null'],
    ['', 'an empty string'],
    ['..', '".."'],
    [{ a: 1 }, 'an object'],
  ])('refuses a path value of %j as a data error', async (value, described) => {
    const error = await failure(run({ path: '/lots/{{v}}' }, { code: fakeCode({ v: value }) }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain(described);
    expect(api.requests).toHaveLength(0);
  });

  it('never crashes on any path value, and never leaves the connection origin', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.integer(), fc.constantFrom('..', '.', '%2e%2e', '//x', '\\\\x')),
        async (value) => {
          api.requests.length = 0;
          const outcome = await run({ path: '/a/{{v}}/b' }, { code: fakeCode({ v: value }) }).then(
            () => 'sent',
            (e: unknown) => (isFlowError(e) ? e.category : 'crashed'),
          );
          expect(['sent', 'data']).toContain(outcome);
          for (const r of api.requests) expect(r.url.startsWith('/api/v1/a/')).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a JSON answer that is not JSON', async () => {
    api.handle((_req, res) => sendJson(res, 200, '{"cut'));
    const error = await failure(run({}));
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'HTTP_INVALID_JSON' });
  });

  it('stops quietly when the step is aborted', async () => {
    api.handle(() => {});
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 50);
    const error = await failure(run({}, { signal: abort.signal }));
    expect(error).toBeInstanceOf(CancelledError);
  });

  it('needs a connection', async () => {
    const error = await failure(
      node.run(testContext<Config, HttpClient | undefined>({ config: { path: '/' } }) as never),
    );
    expect(error).toBeInstanceOf(ConfigError);
  });
});
