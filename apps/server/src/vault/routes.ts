import { Type } from '@sinclair/typebox';
import type { RouteDef } from '../api.ts';
import type { Audit } from '../audit/index.ts';
import { badRequest, notFound } from '../problem.ts';
import { Iso } from '../schemas.ts';
import { SECRET_NAME_PATTERN, type Vault } from './vault.ts';

const nameOf = (text: string | undefined): string => {
  if (!text || !new RegExp(SECRET_NAME_PATTERN).test(text))
    throw badRequest(`"${String(text)}" is not a secret name: capitals, digits and _ such as ERP_P100_PASSWORD`);
  return text;
};

// Closed (additionalProperties: false): a value, or anything derived from one, must never be answered.
const SecretList = Type.Object(
  {
    secrets: Type.Array(
      Type.Object(
        {
          name: Type.String({ pattern: SECRET_NAME_PATTERN }),
          createdAt: Iso,
          updatedAt: Iso,
          updatedBy: Type.String(),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const SecretSet = Type.Object(
  {
    name: Type.String({ pattern: SECRET_NAME_PATTERN }),
    status: Type.Union([Type.Literal('created'), Type.Literal('replaced')]),
  },
  { additionalProperties: false },
);

/** Secrets over the API: admins set and delete them; anyone may see which exist, never a value. */
export function vaultRoutes(vault: Vault, audit?: Audit): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/secrets',
      response: SecretList,
      access: 'viewer',
      tag: 'secrets',
      summary: 'The secrets that are set: names and dates only, never values',
      handler: () => ({ body: { secrets: vault.list() } }),
    },
    {
      method: 'put',
      path: '/api/secrets/:name',
      response: SecretSet,
      access: 'admin',
      tag: 'secrets',
      summary: 'Sets a secret (write-only: its value is never shown again)',
      // No `type: string` on the value: a wrong type must not be echoed back in the 400.
      body: Type.Object(
        { value: Type.Unsafe<string>({ minLength: 1, maxLength: 65536 }) },
        { additionalProperties: false },
      ),
      responses: { 400: 'not a secret name, or no value' },
      handler({ params, body, principal }) {
        const name = nameOf(params.name);
        const value = (body as { value: unknown }).value;
        if (typeof value !== 'string') throw badRequest('/value: must be text');
        const { created } = vault.set(name, value, principal!.username);
        // The metadata only: which secret changed, by whom; never the value or a digest of it.
        audit?.append({
          actor: principal!,
          action: created ? 'secret.create' : 'secret.replace',
          target: { kind: 'secret', id: name },
          details: { secretName: name },
        });
        return { status: created ? 201 : 200, body: { name, status: created ? 'created' : 'replaced' } };
      },
    },
    {
      method: 'delete',
      path: '/api/secrets/:name',
      access: 'admin',
      tag: 'secrets',
      summary: 'Deletes a secret',
      responses: { 404: 'no such secret' },
      handler({ params, principal }) {
        const name = nameOf(params.name);
        if (!vault.delete(name)) throw notFound(`secret ${name} is not set`);
        audit?.append({
          actor: principal!,
          action: 'secret.delete',
          target: { kind: 'secret', id: name },
          details: { secretName: name },
        });
        return undefined;
      },
    },
  ];
}
