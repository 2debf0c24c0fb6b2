import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startServer, type MillraceServer } from './server.ts';

/**
 * Every write route of the real server, with arbitrary bodies and path parameters, as an admin
 * (who passes every role check, so the bodies reach validation and the handlers): only 2xx or
 * 4xx answers, every 4xx as problem+json. A 5xx would be a crash waiting for real input.
 */
let dir: string;
let server: MillraceServer;
let token: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-fuzz-'));
  server = await startServer({
    dataDir: dir,
    port: 0,
    env: { MILLRACE_ADMIN_PASSWORD: 'fuzzing admin password' },
    log: pino({ level: 'silent' }),
  });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'fuzzing admin password' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const t = await fetch(`${server.url}/api/tokens`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'fuzz' }),
  });
  token = ((await t.json()) as { token: string }).token;
}, 60_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Bodies: any JSON, objects with the route's own field names and odd values, and broken text. */
const bodyFor = (fields: readonly string[]) =>
  fc.oneof(
    fc.json().map((text) => ({ text })),
    fc
      .dictionary(fields.length > 0 ? fc.constantFrom(...fields) : fc.string(), fc.jsonValue(), { maxKeys: 4 })
      .map((o) => ({ text: JSON.stringify(o) })),
    fc.string({ maxLength: 40 }).map((text) => ({ text: `{${text}` })),
  );
const param = fc.oneof(
  fc.constant('999999'),
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.constantFrom('0', '-1', 'ERP_X'),
);

describe('write routes under fuzzed input', () => {
  it('never answer 5xx, and answer every refusal as problem+json', async () => {
    const writes = server.routes.filter((r) => r.method !== 'get' && r.path !== '/api/auth/logout');
    expect(writes.length).toBeGreaterThan(8);
    for (const route of writes) {
      const fields = Object.keys(
        (route.body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {},
      );
      await fc.assert(
        fc.asyncProperty(bodyFor(fields), param, async ({ text }, p) => {
          const path = route.path.replace(/:[A-Za-z_]+/g, encodeURIComponent(p));
          const res = await fetch(`${server.url}${path}`, {
            method: route.method.toUpperCase(),
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: text,
          });
          const answer = await res.text();
          expect(res.status, `${route.method} ${path} ${text} → ${answer}`).toBeLessThan(500);
          if (res.status >= 400)
            expect(res.headers.get('content-type'), `${route.method} ${path}`).toMatch(/^application\/problem\+json/);
        }),
        { numRuns: 40 },
      );
    }
  }, 120_000);
});
