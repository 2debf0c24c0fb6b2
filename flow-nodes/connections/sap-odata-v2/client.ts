import type { Static } from '@sinclair/typebox';
import { ConfigError, type Logger, type Resolved } from '@millrace/node-sdk';
import { createHttpClient } from '../http/client.ts';
import type { definition } from './definition.ts';
import { SapService, type CallOptions } from './service.ts';
import { SapSession } from './session.ts';

export type SapBinding = Resolved<Static<typeof definition.schema>>;

export interface SapClientOptions {
  readonly log?: Logger;
  /** Clock for OAuth2 token expiry and Retry-After dates; tests move it. */
  readonly now?: () => number;
  /** @default 16 MiB */
  readonly maxResponseBytes?: number;
}

/**
 * The long-lived client of one `sap-odata-v2` binding, shared by every step that uses it: the
 * HTTP pool and OAuth2 tokens (from the http connection), the session cookies and CSRF token
 * (one SAP security session for the whole connection), and one SapService per service name.
 */
export interface SapClient {
  readonly baseUrl: URL;
  /** The sap-client sent on every request. */
  readonly sapClient: string;
  /** `API_PRODUCTION_ORDER_2_SRV`, optionally with a version (`API_X_SRV;v=0002`). */
  service(name: string): SapService;
  /** The HTTP status of a GET of the base URL itself, for "Test connection" without a service. */
  probe(options?: CallOptions): Promise<number>;
  close(): Promise<void>;
}

const SERVICE = /^[A-Za-z0-9_]+(;v=\d{1,4})?$/;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECTIONS = 8;

/** Opens nothing yet: the first request connects, the first write fetches a CSRF token. */
export function createSapClient(binding: SapBinding, options: SapClientOptions = {}): SapClient {
  const now = options.now ?? Date.now;
  const http = createHttpClient(
    {
      baseUrl: binding.baseUrl,
      auth: binding.auth,
      timeoutMs: binding.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxConnections: binding.maxConnections ?? DEFAULT_CONNECTIONS,
    },
    {
      now,
      ...(options.log ? { log: options.log } : {}),
      ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
    },
  );
  const session = new SapSession({
    http,
    sapClient: binding.client,
    language: binding.language ?? 'EN',
    now,
    ...(options.log ? { log: options.log } : {}),
  });
  const baseUrl = http.baseUrl;
  const base = baseUrl.origin + baseUrl.pathname.replace(/\/+$/, '');
  const services = new Map<string, SapService>();

  return {
    baseUrl,
    sapClient: binding.client,
    service(name) {
      let service = services.get(name);
      if (!service) {
        if (!SERVICE.test(name)) {
          throw new ConfigError(
            'SAP_INVALID_SERVICE',
            `"${name}" is not an OData service name such as API_PRODUCTION_ORDER_2_SRV.`,
            { details: { service: name } },
          );
        }
        service = new SapService(name, new URL(`${base}/${name}`), session, () => new Date(now()));
        services.set(name, service);
      }
      return service;
    },
    async probe(options = {}) {
      const answer = await session.send({
        method: 'GET',
        url: baseUrl,
        serviceRoot: baseUrl,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      return answer.status;
    },
    close: () => http.close(),
  };
}
