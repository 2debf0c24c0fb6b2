import type { Logger } from 'pino';
import type { ServerDb } from '../db.ts';
import { generatePassword, hashPasswordSync } from './secrets.ts';
import { AuthStore } from './store.ts';

export const MIN_PASSWORD_LENGTH = 12;

/**
 * The first admin, as made. A generated password comes back to be shown to the operator once
 * (the caller prints it); one from MILLRACE_ADMIN_PASSWORD does not come back at all, so a
 * caller that prints whatever it gets cannot echo the operator's own secret.
 */
export type BootstrappedAdmin =
  | { readonly username: 'admin'; readonly generated: true; readonly password: string }
  | { readonly username: 'admin'; readonly generated: false };

/**
 * The first start of a server: with no user at all, creates `admin` (role admin) so someone can
 * log in. The password is MILLRACE_ADMIN_PASSWORD when set (at least 12 characters, else this
 * throws before creating anything), or a generated one returned here to be printed once; it is
 * never written to the log, which outlives the console and is often shipped elsewhere.
 * @returns undefined when any user exists already (every later start).
 */
export function bootstrapAdmin(
  db: ServerDb,
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): BootstrappedAdmin | undefined {
  const store = new AuthStore(db);
  if (store.countUsers() > 0) return undefined;
  const given = env.MILLRACE_ADMIN_PASSWORD;
  if (given !== undefined && given.length < MIN_PASSWORD_LENGTH)
    // Its length only, never the value.
    throw new Error(
      `MILLRACE_ADMIN_PASSWORD is too short (${given.length} characters): the first admin's password needs at least ${MIN_PASSWORD_LENGTH}. Set a longer one, or unset it to have one generated.`,
    );
  const password = given ?? generatePassword();
  const hash = hashPasswordSync(password);
  // Counted again inside the transaction: two processes starting at once must not both create one.
  const created = db.transaction(() =>
    store.countUsers() > 0 ? undefined : store.insertUser('admin', 'admin', hash, Date.now()),
  )();
  if (!created) return undefined;
  log.info(
    { userId: created.id, username: created.username, passwordFrom: given === undefined ? 'generated' : 'environment' },
    'created the first user, admin',
  );
  return given === undefined
    ? { username: 'admin', generated: true, password }
    : { username: 'admin', generated: false };
}
