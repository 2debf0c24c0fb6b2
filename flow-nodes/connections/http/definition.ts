import { Type } from '@sinclair/typebox';
import { connectionSpec } from '@millrace/node-sdk';
import {
  AuthApiKey,
  AuthBasic,
  AuthBearer,
  AuthNone,
  AuthOAuth2ClientCredentials,
  Headers,
  HttpUrl,
  TimeoutMs,
} from '../../shared/schemas.ts';

export const definition = connectionSpec({
  type: 'http',
  title: 'HTTP endpoint',
  description:
    'A base URL and how to authenticate against it. Requests of http.request are resolved against the base URL.',
  schema: Type.Object(
    {
      baseUrl: HttpUrl('Base URL; relative request URLs are resolved against it.'),
      auth: Type.Union([AuthNone, AuthBasic, AuthBearer, AuthApiKey, AuthOAuth2ClientCredentials], {
        default: { kind: 'none' },
      }),
      headers: Type.Optional(Headers),
      timeoutMs: Type.Optional(TimeoutMs(30000)),
      maxConnections: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 1024,
          default: 16,
          description: 'Requests in flight to this endpoint at once.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
});
