import { afterEach, describe, expect, it } from 'vitest';
import { client, startQmsSimulator, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

describe('QMS rate limiting', () => {
  it('answers 429 with Retry-After and RateLimit-Remaining once a client is over its bucket', async () => {
    sim = await startQmsSimulator({ rateLimit: { capacity: 3, refillPerSec: 0.5 } });
    const api = client(sim);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api.get('/capas'));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
    const limited = answers[3]!;
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.body).toMatchObject({ error: { code: 'RATE_LIMITED', retryAfterSec: 2 } });
    // Buckets are per client: another credential still has its budget.
    expect((await client(sim, { apiKey: 'qms-api-key' }).get('/capas')).status).toBe(200);
  });

  it('writes Retry-After as an HTTP-date when configured', async () => {
    sim = await startQmsSimulator({ rateLimit: { capacity: 1, refillPerSec: 0.2, retryAfter: 'http-date' } });
    const api = client(sim);
    await api.get('/capas');
    const limited = await api.get('/capas');
    expect(limited.status).toBe(429);
    const at = Date.parse(limited.headers.get('retry-after') ?? '');
    expect(at - Date.now()).toBeGreaterThan(3000);
    expect(at - Date.now()).toBeLessThanOrEqual(5000);
  });

  it('delays instead of refusing in Veeva mode, saying by how much in X-VaultAPI-ResponseDelay', async () => {
    sim = await startQmsSimulator({ rateLimit: { capacity: 2, refillPerSec: 2, mode: 'delay', maxDelayMs: 150 } });
    const api = client(sim);
    await api.get('/capas');
    await api.get('/capas');
    const started = Date.now();
    const slowed = await api.get('/capas');
    expect(slowed.status).toBe(200);
    const delay = Number(slowed.headers.get('x-vaultapi-responsedelay'));
    // Half a second until the next token, capped at maxDelayMs.
    expect(delay).toBe(150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(delay - 5);
    expect(slowed.headers.get('x-vaultapi-burstlimit')).toBe('2');
  });
});
