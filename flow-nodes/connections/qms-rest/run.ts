import { defineConnection } from '@millrace/node-sdk';
import { createHttpClient, type HttpBinding, type HttpClient } from '../http/client.ts';
import { testBinding } from '../http/run.ts';
import { definition } from './definition.ts';

/**
 * The QMS is a REST API: the run-time side is the HTTP client (keep-alive pool, OAuth2 client
 * credentials with token caching and one refresh on 401, Retry-After on 429). `webhookSecret` is
 * for verifying the QMS's signed webhooks, not for calls, so the client does not take it.
 */
function asHttp(binding: Record<string, unknown>): HttpBinding {
  const { webhookSecret: _unused, ...rest } = binding;
  return rest as unknown as HttpBinding;
}

export const connection = defineConnection<typeof definition.schema, HttpClient>({
  ...definition,
  open: (binding, ctx) => createHttpClient(asHttp(binding as Record<string, unknown>), { log: ctx.log }),
  close: (client) => client.close(),
  test: (binding, ctx) => testBinding(asHttp(binding as Record<string, unknown>), ctx),
});
