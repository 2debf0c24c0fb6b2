import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, CancelledError, ConfigError, RemoteError, TransientError } from '@millrace/node-sdk';
import { createHttpClient, type HttpBinding, type HttpClient } from './client.ts';
import { sendJson, startTestServer, type TestServer } from './test-server.ts';

let api: TestServer;
let client: HttpClient | undefined;

beforeEach(async () => {
  api = await startTestServer((_req, res) => sendJson(res, 200, '{"ok":true}'));
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await api.close();
});

function open(binding: Partial<HttpBinding>, options: Parameters<typeof createHttpClient>[1] = {}): HttpClient {
  client = createHttpClient({ baseUrl: api.origin + '/api', auth: { kind: 'none' }, ...binding }, options);
  return client;
}

describe('HttpClient headers and auth', () => {
  it('sends basic credentials', async () => {
    await open({ auth: { kind: 'basic', username: 'plant', password: 'pä:ss' } }).request({ method: 'GET', path: '/' });
    expect(api.requests[0]!.headers.authorization).toBe('Basic ' + Buffer.from('plant:pä:ss').toString('base64'));
  });

  it('sends a bearer token', async () => {
    await open({ auth: { kind: 'bearer', token: 't0k3n' } }).request({ method: 'GET', path: '/' });
    expect(api.requests[0]!.headers.authorization).toBe('Bearer t0k3n');
  });

  it('sends an API key in the configured header', async () => {
    await open({ auth: { kind: 'api-key', header: 'X-Qms-Key', apiKey: 'k-1' } }).request({ method: 'GET', path: '/' });
    expect(api.requests[0]!.headers['x-qms-key']).toBe('k-1');
    expect(api.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('merges default and request headers, the request winning, and auth winning over both', async () => {
    await open({ headers: { 'X-Plant': 'P100', 'X-Trace': 'a' }, auth: { kind: 'bearer', token: 'real' } }).request({
      method: 'POST',
      path: '/x',
      headers: { 'x-trace': 'b', Authorization: 'Bearer forged' },
      bodyText: '{}',
    });
    const seen = api.requests[0]!.headers;
    expect(seen['x-plant']).toBe('P100');
    expect(seen['x-trace']).toBe('b');
    expect(seen.authorization).toBe('Bearer real');
    expect(seen['content-type']).toBe('application/json');
  });

  it('resolves the path under the base path and returns any status as an answer', async () => {
    api.handle((_req, res) => sendJson(res, 500, '{"error":"boom"}'));
    const answer = await open({}).request({ method: 'GET', path: '/lots/1', query: { a: '1' } });
    expect(api.requests[0]!.url).toBe('/api/lots/1?a=1');
    expect(answer).toMatchObject({ status: 500, url: `${api.origin}/api/lots/1`, bodyText: '{"error":"boom"}' });
    expect(answer.headers['content-type']).toBe('application/json');
  });

  it('reads the final answer after an informational 103 and drops a UTF-8 byte order mark', async () => {
    api.handle((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      res.writeHead(200, { 'content-type': 'application/json', 'x-lot': ['L1', 'L2'] });
      res.end('\ufeff{"ok":true}');
    });
    const answer = await open({}).request({ method: 'GET', path: '/' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.bodyText)).toEqual({ ok: true });
    expect(answer.headers['x-lot']).toBe('L1, L2');
  });

  it('refuses an absolute URL on another origin before sending anything', async () => {
    const c = open({ auth: { kind: 'bearer', token: 'secret' } });
    await expect(c.request({ method: 'GET', path: 'http://127.0.0.2:1/steal' })).rejects.toThrow(ConfigError);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses a base URL that is not http', () => {
    expect(() => createHttpClient({ baseUrl: 'ftp://x/', auth: { kind: 'none' } })).toThrow(ConfigError);
  });
});

describe('HttpClient failures', () => {
  it('times out a server that never answers, naming the time', async () => {
    api.handle(() => {});
    const error = await open({ timeoutMs: 150 })
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).code).toBe('HTTP_TRANSIENT');
    expect((error as TransientError).message).toContain('no answer within 150 ms');
    // The journal stores errors as JSON: every error the client throws must serialize.
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ category: 'transient', details: { timeoutMs: 150 } });
  });

  it('times out a body that stalls half-way', async () => {
    api.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const error = await open({ timeoutMs: 200 })
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).details.reason).toBe('timeout');
  });

  it('times out a body that trickles in past the deadline, though no single pause is long', async () => {
    let tick: NodeJS.Timeout | undefined;
    api.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('"');
      tick = setInterval(() => res.write('x'), 20);
      res.on('close', () => clearInterval(tick));
    });
    const error = await open({ timeoutMs: 200 })
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    clearInterval(tick);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).details.reason).toBe('timeout');
  });

  it('times out a request still waiting for a free connection', async () => {
    api.handle(() => {});
    const c = open({ maxConnections: 1, timeoutMs: 5000 });
    const stop = new AbortController();
    let first = 'pending';
    const firstDone = c.request({ method: 'GET', path: '/first', signal: stop.signal }).then(
      () => (first = 'answered'),
      (e: unknown) => (first = (e as Error).constructor.name),
    );
    const error = await c.request({ method: 'GET', path: '/second', timeoutMs: 100 }).catch((e: unknown) => e);
    expect((error as TransientError).message).toContain('no answer within 100 ms');
    // The one connection is still taken by the first request: the second never left the queue.
    expect(first).toBe('pending');
    expect(api.requests.map((r) => r.url)).toEqual(['/api/first']);
    stop.abort();
    await firstDone;
    expect(first).toBe('CancelledError');
  });

  it('takes the shorter of the request and connection timeouts', async () => {
    api.handle(() => {});
    const error = await open({ timeoutMs: 5000 })
      .request({ method: 'GET', path: '/', timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect((error as TransientError).message).toContain('no answer within 100 ms');
  });

  it('reports a destroyed socket as transient', async () => {
    api.handle((req) => req.socket.destroy());
    const error = await open({})
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).details.reason).toBe('network');
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ details: { errno: 'UND_ERR_SOCKET' } });
  });

  it('reports a refused connection as transient', async () => {
    const origin = api.origin;
    await api.close();
    client = createHttpClient({ baseUrl: origin, auth: { kind: 'none' } });
    const error = await client.request({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).message).toContain('connection refused');
    api = await startTestServer();
  });

  it('stops quietly when the caller aborts', async () => {
    api.handle(() => {});
    const abort = new AbortController();
    const pending = open({}).request({ method: 'GET', path: '/', signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toThrow(CancelledError);
  });

  it('sends nothing when the caller has already given up', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(open({}).request({ method: 'POST', path: '/', bodyText: '{}', signal: abort.signal })).rejects.toThrow(
      CancelledError,
    );
    expect(api.requests).toHaveLength(0);
  });

  it('refuses an answer larger than the limit instead of holding it', async () => {
    api.handle((_req, res) => sendJson(res, 200, JSON.stringify('x'.repeat(5000))));
    const error = await open({}, { maxResponseBytes: 1000 })
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('HTTP_RESPONSE_TOO_LARGE');
  });

  it('refuses a streamed answer (no Content-Length) once it grows past the limit', async () => {
    api.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('"' + 'x'.repeat(800));
      setTimeout(() => res.end('x'.repeat(800) + '"'), 20);
    });
    const error = await open({}, { maxResponseBytes: 1000 })
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('HTTP_RESPONSE_TOO_LARGE');
  });

  it('refuses a header value that cannot be sent', async () => {
    await expect(
      open({}).request({ method: 'GET', path: '/', headers: { 'x-bad': 'a\r\nInjected: 1' } }),
    ).rejects.toThrow(ConfigError);
  });
});

describe('HttpClient OAuth2 client credentials', () => {
  let idp: TestServer;
  let issued: number;
  beforeEach(async () => {
    issued = 0;
    idp = await startTestServer((_req, res) => {
      issued++;
      // A slow token endpoint makes concurrent requests overlap on the fetch.
      setTimeout(() => sendJson(res, 200, JSON.stringify({ access_token: `tok-${issued}`, expires_in: 3600 })), 30);
    });
  });
  afterEach(() => idp.close());

  const oauth = (extra: Record<string, string> = {}) =>
    ({
      kind: 'oauth2-client-credentials',
      tokenUrl: `${idp.origin}/oauth/token`,
      clientId: 'millrace',
      clientSecret: 's3cret',
      ...extra,
    }) as const;

  it('fetches one token for 20 concurrent requests and sends it on each', async () => {
    const c = open({ auth: oauth({ scope: 'qms.write', audience: 'qms' }) });
    const answers = await Promise.all(Array.from({ length: 20 }, () => c.request({ method: 'GET', path: '/' })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(idp.requests).toHaveLength(1);
    const form = new URLSearchParams(idp.requests[0]!.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'millrace',
      client_secret: 's3cret',
      scope: 'qms.write',
      audience: 'qms',
    });
    expect(idp.requests[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new Set(api.requests.map((r) => r.headers.authorization))).toEqual(new Set(['Bearer tok-1']));
  });

  it('fetches a new token once the old one is about to expire', async () => {
    let now = 1_000_000;
    const c = open({ auth: oauth() }, { now: () => now });
    await c.request({ method: 'GET', path: '/' });
    now += 3_000_000; // 50 minutes: still well inside the hour
    await c.request({ method: 'GET', path: '/' });
    expect(idp.requests).toHaveLength(1);
    now += 570_000; // 59.5 minutes: inside the last minute, refresh early
    await c.request({ method: 'GET', path: '/' });
    expect(idp.requests).toHaveLength(2);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
  });

  it('refreshes once and retries once when the API refuses the token', async () => {
    api.handle((req, res) =>
      req.headers.authorization === 'Bearer tok-1' ? sendJson(res, 401, '{}') : sendJson(res, 200, '{"ok":1}'),
    );
    const answer = await open({ auth: oauth() }).request({ method: 'POST', path: '/x', bodyText: '{"n":1}' });
    expect(answer.status).toBe(200);
    expect(idp.requests).toHaveLength(2);
    expect(api.requests.map((r) => [r.headers.authorization, r.body])).toEqual([
      ['Bearer tok-1', '{"n":1}'],
      ['Bearer tok-2', '{"n":1}'],
    ]);
  });

  it('refreshes once for many requests refused at the same time', async () => {
    api.handle((req, res) =>
      req.headers.authorization === 'Bearer tok-1' ? sendJson(res, 401, '{}') : sendJson(res, 200, '{}'),
    );
    const c = open({ auth: oauth() });
    const answers = await Promise.all(Array.from({ length: 10 }, () => c.request({ method: 'GET', path: '/' })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(idp.requests).toHaveLength(2);
  });

  it('does not loop when the fresh token is refused too', async () => {
    api.handle((_req, res) => sendJson(res, 401, '{}'));
    const answer = await open({ auth: oauth() }).request({ method: 'GET', path: '/' });
    expect(answer.status).toBe(401);
    expect(api.requests).toHaveLength(2);
    expect(idp.requests).toHaveLength(2);
  });

  it('reports refused client credentials as an auth error, without the secret', async () => {
    idp.handle((_req, res) => sendJson(res, 401, '{"error":"invalid_client"}'));
    const error = await open({ auth: oauth() })
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(JSON.stringify(error)).not.toContain('s3cret');
    expect(api.requests).toHaveLength(0);
  });

  it('reports a busy token endpoint as transient and does not cache the failure', async () => {
    idp.handle((_req, res) => sendJson(res, 503, '{}', { 'retry-after': '1' }));
    const c = open({ auth: oauth() });
    const error = await c.request({ method: 'GET', path: '/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).retryAfterMs).toBe(1000);
    idp.handle((_req, res) => sendJson(res, 200, '{"access_token":"late","expires_in":"60"}'));
    expect((await c.request({ method: 'GET', path: '/' })).status).toBe(200);
    expect(api.requests[0]!.headers.authorization).toBe('Bearer late');
  });

  it('refuses a token answer without an access token', async () => {
    idp.handle((_req, res) => sendJson(res, 200, '{"token":"x"}'));
    await expect(open({ auth: oauth() }).request({ method: 'GET', path: '/' })).rejects.toThrow(RemoteError);
  });
});
