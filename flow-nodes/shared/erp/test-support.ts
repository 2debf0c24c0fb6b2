import { createSapClient, type SapClient } from '../../connections/sap-odata-v2/client.ts';
import {
  ERP_CREDENTIALS,
  startErpTestServer,
  type ErpTestServer,
} from '../../connections/sap-odata-v2/test-server-erp.ts';
import type { SapTestServerOptions } from '../../connections/sap-odata-v2/test-server.ts';

/** Test support for the ERP business nodes: the seeded SAP test server and a client bound to it. */

export interface TestErp {
  readonly server: ErpTestServer;
  readonly client: SapClient;
  close(): Promise<void>;
}

export async function startTestErp(options: SapTestServerOptions & { timeoutMs?: number } = {}): Promise<TestErp> {
  const { timeoutMs, ...serverOptions } = options;
  const server = await startErpTestServer(serverOptions);
  const client = createSapClient({
    baseUrl: server.baseUrl,
    client: '100',
    language: 'EN',
    auth: { kind: 'basic', ...ERP_CREDENTIALS },
    timeoutMs: timeoutMs ?? 5000,
  });
  return {
    server,
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

/** "METHOD /Service/Set…" of each request after the CSRF fetches, for asserting the exchange. */
export function calls(server: ErpTestServer): string[] {
  return server.requests
    .filter((r) => r.headers['x-csrf-token'] !== 'Fetch')
    .map((r) => {
      const [path, query] = r.url.split('?') as [string, string?];
      const params = new URLSearchParams(query ?? '');
      params.delete('sap-client');
      params.delete('sap-language');
      const rest = params.toString() === '' ? '' : '?' + decodeURIComponent(params.toString()).replaceAll('+', ' ');
      return `${r.method} ${decodeURIComponent(path.replace(/^\/sap\/opu\/odata\/sap/, ''))}${rest}`;
    });
}

export async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as Error & Record<string, unknown>,
  );
}
