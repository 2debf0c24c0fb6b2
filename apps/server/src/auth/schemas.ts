import { Type, type TSchema } from '@sinclair/typebox';
import { badRequest } from '../problem.ts';
import { ROLES } from '../roles.ts';
import { Iso, NullableIso } from '../schemas.ts';

/**
 * Request schemas of the auth routes. Every body is closed (additionalProperties: false), so a
 * misspelt field is a 400 rather than silently ignored.
 */

/**
 * A password field. Deliberately without `type: string`: the validator's "must be a string,
 * not the number 123456789012" would echo the value into the 400 answer, and a password must
 * never appear in an answer. Length is checked by the schema (its message names no value); the
 * type by `passwordOf`, whose message does not either.
 */
export const secretString = (minLength: number, description: string): TSchema =>
  Type.Unsafe<string>({ minLength, maxLength: 1024, description: `a string: ${description}` });

/** The password from a validated body, refusing (without echoing) anything but a string. */
export function passwordOf(body: unknown, field = 'password'): string {
  const value = (body as Record<string, unknown>)[field];
  if (typeof value !== 'string')
    throw badRequest(`/${field}: must be a string`, {
      problems: [{ pointer: `/${field}`, message: 'must be a string' }],
    });
  return value;
}

export const RoleSchema = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: 'viewer, analyst, approver or admin' },
);

// ASCII only: the database compares usernames case-insensitively with NOCASE, which folds ASCII alone.
export const Username = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  'x-hint': 'up to 64 letters, digits, dots, underscores or hyphens, starting with a letter or digit',
});

export const LoginBody = Type.Object(
  {
    // Not the Username pattern: a login with any string is simply a wrong login, said the same way.
    username: Type.String({ minLength: 1, maxLength: 200 }),
    password: secretString(1, 'the password'),
  },
  { additionalProperties: false },
);

export const NewUserBody = Type.Object(
  { username: Username, role: RoleSchema, password: secretString(12, 'at least 12 characters') },
  { additionalProperties: false },
);

export const UserPatchBody = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(secretString(12, 'at least 12 characters')),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const NewTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, 'x-hint': 'what the token is for, such as "MES bridge P100"' }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

export const TokenListQuery = Type.Object({
  all: Type.Optional(
    Type.Union([Type.Literal('1'), Type.Literal('true'), Type.Literal('0'), Type.Literal('false')], {
      description: "admins only: '1' lists every user's tokens",
    }),
  ),
});

// -- answers. Closed (additionalProperties: false): a hash or a secret added to an answer by
// mistake fails the answer check of the test suite instead of reaching a client.

const Uuid = Type.String({ format: 'uuid' });
const closed = { additionalProperties: false } as const;

export const UserAnswer = Type.Object(
  { id: Uuid, username: Type.String(), role: RoleSchema, disabled: Type.Boolean(), createdAt: Iso },
  closed,
);
export const UserList = Type.Object({ users: Type.Array(UserAnswer) }, closed);

export const LoginAnswer = Type.Object(
  { user: Type.Object({ id: Uuid, username: Type.String(), role: RoleSchema }, closed) },
  closed,
);

export const MeAnswer = Type.Object(
  {
    id: Uuid,
    username: Type.String(),
    role: RoleSchema,
    via: Type.Union([Type.Literal('token'), Type.Literal('session')]),
  },
  closed,
);

export const NewTokenAnswer = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    token: Type.String({ description: 'the API token itself: shown in this answer only, never again' }),
    expiresAt: NullableIso,
  },
  closed,
);

export const TokenList = Type.Object(
  {
    tokens: Type.Array(
      Type.Object(
        {
          id: Uuid,
          name: Type.String(),
          userId: Uuid,
          username: Type.String(),
          createdAt: Iso,
          lastUsedAt: NullableIso,
          expiresAt: NullableIso,
          revokedAt: NullableIso,
        },
        closed,
      ),
    ),
  },
  closed,
);

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
