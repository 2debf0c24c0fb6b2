import { afterEach, describe, expect, it } from 'vitest';
import { client, fetchToken, INSPECTION, startQmsSimulator, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

const creds = { grant_type: 'client_credentials', client_id: 'millrace', client_secret: 'millrace-secret' };

describe('QMS auth', () => {
  it('issues a client-credentials token that opens the API until it expires on the virtual clock', async () => {
    sim = await startQmsSimulator();
    const none = await client(sim, { none: true }).get('/inspections');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);

    const token = await fetchToken(sim, creds);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'qms.read qms.write qms.sign' });
    const api = client(sim, { bearer: String(token.body.access_token) });
    expect((await api.get('/inspections')).status).toBe(200);

    sim.ctx.clock.advance(899_000);
    expect((await api.get('/inspections')).status).toBe(200);
    sim.ctx.clock.advance(2_000);
    const expired = await api.get('/inspections');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'TOKEN_EXPIRED' } });
  });

  it('refuses a wrong secret, an unknown grant and a scope the client may not have', async () => {
    sim = await startQmsSimulator();
    const wrong = await fetchToken(sim, { ...creds, client_secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'invalid_client' });
    const grant = await fetchToken(sim, { ...creds, grant_type: 'password' });
    expect(grant.status).toBe(400);
    expect(grant.body).toMatchObject({ error: 'unsupported_grant_type' });
    const scope = await fetchToken(sim, {
      grant_type: 'client_credentials',
      client_id: 'qms-reader',
      client_secret: 'reader-secret',
      scope: 'qms.read qms.write',
    });
    expect(scope.status).toBe(400);
    expect(scope.body).toMatchObject({ error: 'invalid_scope' });
  });

  it('answers 403 naming the missing scope when the token lacks it', async () => {
    sim = await startQmsSimulator();
    const reader = await fetchToken(sim, { ...creds, client_id: 'qms-reader', client_secret: 'reader-secret' });
    const api = client(sim, { bearer: String(reader.body.access_token) });
    expect((await api.get('/inspections')).status).toBe(200);
    const post = await api.post('/inspections', INSPECTION);
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject({ error: { code: 'INSUFFICIENT_SCOPE', missingScopes: ['qms.write'] } });

    // A token asked for with fewer scopes than the client has cannot sign.
    const narrow = await fetchToken(sim, { ...creds, scope: 'qms.read qms.write' });
    const writer = client(sim, { bearer: String(narrow.body.access_token) });
    const created = await writer.post('/inspections', INSPECTION);
    expect(created.status).toBe(201);
    const decide = await writer.post(`/inspections/${String(created.body.id)}/actions/decide`, { decision: 'accept' });
    expect(decide.status).toBe(403);
    expect(decide.body).toMatchObject({ error: { code: 'INSUFFICIENT_SCOPE', missingScopes: ['qms.sign'] } });
  });

  it('refuses a revoked token with 401 TOKEN_REVOKED', async () => {
    sim = await startQmsSimulator();
    const token = String((await fetchToken(sim, creds)).body.access_token);
    const api = client(sim, { bearer: token });
    expect((await api.get('/capas')).status).toBe(200);
    const revoke = await fetch(`${sim.baseUrl}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${token}`,
    });
    expect(revoke.status).toBe(200);
    const after = await api.get('/capas');
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error: { code: 'TOKEN_REVOKED' } });
  });

  it('takes a static bearer token and an API key, and refuses an unknown key', async () => {
    sim = await startQmsSimulator({ apiKeys: [{ key: 'k-123', header: 'X-QMS-Key', scopes: ['qms.read'] }] });
    expect((await client(sim, { bearer: 'qms-static-token' }).get('/capas')).status).toBe(200);
    const keyed = await client(sim, { none: true }).get('/capas', { 'x-qms-key': 'k-123' });
    expect(keyed.status).toBe(200);
    const write = await client(sim, { none: true }).post('/capas', {}, { 'x-qms-key': 'k-123' });
    expect(write.status).toBe(403);
    const bad = await client(sim, { none: true }).get('/capas', { 'x-qms-key': 'k-999' });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ error: { code: 'INVALID_API_KEY' } });
    expect((await client(sim, { bearer: 'not-a-token' }).get('/capas')).status).toBe(401);
  });

  it('opens a session with a user password and ends it after 20 idle minutes', async () => {
    sim = await startQmsSimulator();
    const login = await fetch(`${sim.baseUrl}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=u-qa-0042&password=sign-0042',
    });
    const { sessionId } = (await login.json()) as { sessionId: string };
    const api = client(sim, { none: true });
    expect((await api.get('/capas', { authorization: sessionId })).status).toBe(200);
    sim.ctx.clock.advance(19 * 60_000);
    expect((await api.get('/capas', { authorization: sessionId })).status).toBe(200);
    sim.ctx.clock.advance(21 * 60_000);
    const idle = await api.get('/capas', { authorization: sessionId });
    expect(idle.status).toBe(401);
    expect(idle.body).toMatchObject({ error: { code: 'INVALID_SESSION_ID' } });
    const wrong = await fetch(`${sim.baseUrl}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=u-qa-0042&password=nope',
    });
    expect(wrong.status).toBe(401);
  });
});
