import { Type, type Static } from '@sinclair/typebox';

/** Strict SemVer 2.0.0, as on semver.org (no leading "v", no ranges). */
export const SEMVER_PATTERN =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

export const Semver = Type.String({
  pattern: SEMVER_PATTERN,
  'x-hint': 'a semantic version such as 1.2.0',
});

/** Flow and pack ids: lowercase slugs, so they work in URLs, file names and topics alike. */
export const Slug = Type.String({
  pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  maxLength: 64,
  'x-hint': 'a slug such as batch-release (lowercase letters and digits, words joined by single hyphens)',
});

/** Ids of nodes, edges and connection slots: short identifiers, stable across edits. */
export const LocalId = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9_-]*$',
  maxLength: 64,
  'x-hint': 'an identifier such as n1 or erp (a letter, then letters, digits, "_" or "-")',
});

export const NodeTypeId = Type.String({
  pattern: '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*$',
  maxLength: 64,
  'x-hint': 'a node type such as map or sap.odata',
});

export const SecretName = Type.String({
  pattern: '^[A-Z][A-Z0-9_]*$',
  maxLength: 128,
  'x-hint': 'a secret name in capitals such as ERP_P100_PASSWORD',
});

/** A reference to a secret, resolved at run time from the secret store or the environment. */
export const SecretRef = Type.Object({ secret: SecretName }, { additionalProperties: false, 'x-secret': true });
export type SecretRef = Static<typeof SecretRef>;

export function isSecretRef(value: unknown): value is SecretRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secret?: unknown }).secret === 'string'
  );
}

/** Retry policy of a flow or a node. Every field has a default, so `{}` is a valid policy. */
export const RetryPolicy = Type.Object(
  {
    maxAttempts: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'Attempts in all, the first one included.' }),
    ),
    initialMs: Type.Optional(
      Type.Integer({ minimum: 0, default: 500, description: 'Delay before the second attempt.' }),
    ),
    multiplier: Type.Optional(
      Type.Number({ minimum: 1, maximum: 10, default: 2, description: 'Each delay is the previous one times this.' }),
    ),
    maxMs: Type.Optional(Type.Integer({ minimum: 0, default: 60000, description: 'No delay is longer than this.' })),
    jitter: Type.Optional(
      Type.Boolean({ default: true, description: 'Spread delays randomly so retries do not arrive together.' }),
    ),
    nonRetryableCodes: Type.Optional(
      Type.Array(Type.String(), { description: 'Error codes never retried, whatever their category.' }),
    ),
  },
  { additionalProperties: false },
);
export type RetryPolicy = Static<typeof RetryPolicy>;

export const JsonSchemaObject = Type.Object(
  {},
  { additionalProperties: true, description: 'A JSON Schema (2020-12).' },
);
