import type { TokenInfo } from './api-admin.ts';

/** Where a token stands now; the server refuses an expired or revoked one. */
export function tokenState(
  t: Pick<TokenInfo, 'expiresAt' | 'revokedAt'>,
  now: number,
): 'active' | 'expired' | 'revoked' {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && Date.parse(t.expiresAt) <= now) return 'expired';
  return 'active';
}
