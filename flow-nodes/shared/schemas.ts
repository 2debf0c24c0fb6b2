import { Type } from '@sinclair/typebox';
import { SecretRef } from '@millrace/node-sdk';

/** Building blocks shared by node and connection definitions. Browser-safe: schemas only. */

export const Expression = (description: string, extra: Record<string, unknown> = {}) =>
  Type.String({ minLength: 1, description, 'x-expression': true, ...extra });

export const JavaScript = (description: string) => Type.String({ minLength: 1, description, 'x-code': 'javascript' });

/** A payload contract: a canonical schema reference or an inline JSON Schema. */
export const SchemaChoice = (description: string) =>
  Type.Union(
    [
      Type.String({ format: 'canonical-ref', description: 'A canonical schema, such as canonical:BatchCompletion@1.' }),
      Type.Object({}, { additionalProperties: true, description: 'An inline JSON Schema (2020-12).' }),
    ],
    { description },
  );

export const HttpUrl = (description: string) =>
  Type.String({ format: 'uri', pattern: '^https?://', description, 'x-hint': 'an http:// or https:// URL' });

export const Headers = Type.Record(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" }), Type.String(), {
  description: 'Extra request headers. Never put credentials here: use the connection.',
});

export const AuthNone = Type.Object(
  { kind: Type.Literal('none') },
  { additionalProperties: false, title: 'No authentication' },
);

export const AuthBasic = Type.Object(
  { kind: Type.Literal('basic'), username: Type.String({ minLength: 1 }), password: SecretRef },
  { additionalProperties: false, title: 'HTTP Basic' },
);

export const AuthBearer = Type.Object(
  { kind: Type.Literal('bearer'), token: SecretRef },
  { additionalProperties: false, title: 'Bearer token' },
);

export const AuthApiKey = Type.Object(
  {
    kind: Type.Literal('api-key'),
    header: Type.String({ minLength: 1, default: 'X-API-Key', description: 'Header that carries the key.' }),
    apiKey: SecretRef,
  },
  { additionalProperties: false, title: 'API key in a header' },
);

export const AuthOAuth2ClientCredentials = Type.Object(
  {
    kind: Type.Literal('oauth2-client-credentials'),
    tokenUrl: HttpUrl('Token endpoint.'),
    clientId: Type.String({ minLength: 1 }),
    clientSecret: SecretRef,
    scope: Type.Optional(Type.String()),
    audience: Type.Optional(Type.String()),
  },
  { additionalProperties: false, title: 'OAuth 2.0 client credentials' },
);

export const TimeoutMs = (defaultMs: number) =>
  Type.Integer({
    minimum: 1,
    maximum: 600000,
    default: defaultMs,
    description: 'Give up on one attempt after this long (ms).',
  });
