import { defineConnection, toFlowError, type ConnectionTestResult } from '@millrace/node-sdk';
import { createSapClient, type SapBinding, type SapClient } from './client.ts';
import { definition } from './definition.ts';

export type { SapBinding, SapClient, SapClientOptions } from './client.ts';
export type {
  CollectionOptions,
  CollectionResult,
  Entity,
  EntityResult,
  FunctionOptions,
  ReadOptions,
  SapService,
  UpdateOptions,
  WriteOptions,
} from './service.ts';
export type { Condition, FilterOp, KeyInput, LiteralType, ODataQuery, TypedValue } from './query.ts';

/**
 * The run-time side of the `sap-odata-v2` connection: one SapClient per binding, holding the
 * keep-alive pool, OAuth2 tokens, the SAP session cookies and CSRF token, shared by every step.
 */
export const connection = defineConnection<typeof definition.schema, SapClient>({
  ...definition,
  open: (binding, ctx) => createSapClient(binding, { log: ctx.log }),
  close: (client) => client.close(),
  test: testBinding,
});

/**
 * "Test connection". With `testService`, a GET of that service's document, which proves the
 * host, credentials, sap-client and the service's activation. Without one, a GET of the base
 * URL: SAP answers 404 or 403 there for a valid user, 401 for refused credentials.
 */
async function testBinding(binding: SapBinding, ctx: { signal?: AbortSignal }): Promise<ConnectionTestResult> {
  let client: SapClient | undefined;
  try {
    client = createSapClient(binding);
    const signal = ctx.signal ? { signal: ctx.signal } : {};
    if (binding.testService) {
      await client.service(binding.testService).ping(signal);
      return { ok: true };
    }
    const status = await client.probe(signal);
    const where = client.baseUrl.href;
    if (status === 401) return { ok: false, message: `${where} refused the credentials (HTTP 401).` };
    if (status >= 500) return { ok: false, message: `${where} answered HTTP ${status}.` };
    return { ok: true };
  } catch (thrown) {
    return { ok: false, message: toFlowError(thrown).message };
  } finally {
    await client?.close();
  }
}
