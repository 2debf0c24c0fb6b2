import { isSecretRef } from '@millrace/flow-model';
import { ConfigError } from '@millrace/node-sdk';

/** Where secret values come from. The server adds its encrypted store; headless uses the environment. */
export interface SecretResolver {
  /** The value, or undefined when the secret is not set. */
  get(name: string): string | undefined;
}

/** Secrets from environment variables of the same name (`ERP_P100_PASSWORD`). */
export const environmentSecrets: SecretResolver = { get: (name) => process.env[name] };

/**
 * Replaces every `{ "secret": "NAME" }` in a binding by its value. A missing secret is a
 * config error that names the secret and where it was needed, never its value.
 */
export function resolveSecrets(value: unknown, secrets: SecretResolver, where: string): unknown {
  if (isSecretRef(value)) {
    const v = secrets.get(value.secret);
    if (v === undefined || v === '')
      throw new ConfigError('SECRET_MISSING', `${where} needs the secret ${value.secret}, which is not set`);
    return v;
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveSecrets(v, secrets, `${where}/${i}`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveSecrets(v, secrets, `${where}/${k}`)]));
  }
  return value;
}
