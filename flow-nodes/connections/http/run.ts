import { defineConnection, toFlowError, type ConnectionTestResult } from '@millrace/node-sdk';
import { createHttpClient, type HttpBinding, type HttpClient } from './client.ts';
import { definition } from './definition.ts';

export type { HttpClient, HttpRequest, HttpResponse, HttpBinding } from './client.ts';

/**
 * The run-time side of the `http` connection: one HttpClient per binding, holding the keep-alive
 * pool and the OAuth2 token cache, shared by every step that uses the connection.
 */
export const connection = defineConnection<typeof definition.schema, HttpClient>({
  ...definition,
  open: (binding, ctx) => createHttpClient(binding, { log: ctx.log }),
  close: (client) => client.close(),
  test: testBinding,
});

/**
 * "Test connection": a HEAD of the base URL (GET when HEAD is not allowed). Reaching the server
 * with accepted credentials is enough; a 404 at the base URL is fine, since many APIs have
 * nothing there. For OAuth2 this also proves the token endpoint takes the client credentials.
 */
export async function testBinding(binding: HttpBinding, ctx: { signal?: AbortSignal }): Promise<ConnectionTestResult> {
  let client: HttpClient | undefined;
  try {
    client = createHttpClient(binding);
    const signal = ctx.signal ? { signal: ctx.signal } : {};
    let answer = await client.request({ method: 'HEAD', path: '', ...signal });
    if (answer.status === 405 || answer.status === 501)
      answer = await client.request({ method: 'GET', path: '', ...signal });
    const where = client.baseUrl.origin + client.baseUrl.pathname;
    if (answer.status === 401 || answer.status === 403) {
      return { ok: false, message: `${where} refused the credentials (HTTP ${answer.status}).` };
    }
    if (answer.status >= 300 && answer.status < 400 && answer.headers.location) {
      return { ok: false, message: `${where} redirects to ${answer.headers.location}; use that as the base URL.` };
    }
    if (answer.status >= 500) return { ok: false, message: `${where} answered HTTP ${answer.status}.` };
    return { ok: true };
  } catch (thrown) {
    return { ok: false, message: toFlowError(thrown).message };
  } finally {
    await client?.close();
  }
}
