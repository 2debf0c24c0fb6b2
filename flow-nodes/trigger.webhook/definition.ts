import { Type } from '@sinclair/typebox';
import { nodeSpec, SecretRef } from '@millrace/node-sdk';
import { SchemaChoice } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'trigger.webhook',
  version: 1,
  title: 'Webhook',
  description:
    'Starts a run for each HTTP request to POST /hooks/<flowId>[/<path>]. Async mode answers 202 with the run id once the event is durable; sync mode waits for a respond node.',
  category: 'trigger',
  config: Type.Object(
    {
      path: Type.Optional(
        Type.String({
          pattern: '^[a-z0-9][a-z0-9/_-]*$',
          maxLength: 200,
          description: 'Sub-path after /hooks/<flowId>/, for flows with several webhooks.',
          'x-hint': 'a path such as batch-completed (lowercase letters, digits, "/", "_" and "-")',
        }),
      ),
      mode: Type.Optional(
        Type.Union([Type.Literal('async'), Type.Literal('sync')], {
          default: 'async',
          description: 'async: 202 + run id once durable. sync: the response is what a respond node sends.',
        }),
      ),
      syncTimeoutMs: Type.Optional(
        Type.Integer({
          minimum: 100,
          maximum: 300000,
          default: 30000,
          description: 'Sync mode: answer 504 when no respond node answered by then (the run goes on).',
        }),
      ),
      maxBodyBytes: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 67108864, default: 1048576, description: 'Larger bodies get 413.' }),
      ),
      schema: Type.Optional(SchemaChoice('The body must match this, or the request gets 422 and no run starts.')),
      auth: Type.Optional(
        Type.Union(
          [
            Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
            Type.Object({ kind: Type.Literal('bearer'), token: SecretRef }, { additionalProperties: false }),
            Type.Object(
              {
                kind: Type.Literal('hmac-sha256'),
                secret: SecretRef,
                header: Type.String({
                  minLength: 1,
                  default: 'X-Signature',
                  description: 'Header with the hex HMAC of the raw body.',
                }),
              },
              { additionalProperties: false },
            ),
          ],
          { default: { kind: 'none' }, description: 'How callers prove who they are.' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Request',
      description: 'payload = the parsed JSON body; headers = the request headers (lower-case).',
    },
  ],
  errors: [
    {
      code: 'WEBHOOK_BODY_INVALID',
      category: 'validation',
      description: 'The body is not JSON or does not match the schema: 400/422, no run.',
    },
    {
      code: 'WEBHOOK_UNAUTHORIZED',
      category: 'auth',
      description: 'Missing or wrong token or signature: 401, no run.',
    },
  ],
});
