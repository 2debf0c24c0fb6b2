import { ApiError } from './errors.ts';
import { safeEqual } from './auth.ts';
import type { QmsStore } from './store.ts';

/**
 * Electronic signatures on decisions and releases (21 CFR 11.50/11.200): the action body
 * carries `signature: { userId, password, meaning, reason? }`. The signer proves who they are
 * with their password at the moment of signing, separately from the API credentials that sent
 * the request. Missing or incomplete → 422; wrong user or password → 401; a user who may not
 * sign → 403.
 */

export interface SignatureBlock {
  readonly signerId: string;
  readonly printedName: string;
  readonly meaning: string;
  readonly signedAt: string;
  readonly sourceSystem: 'qms';
  readonly reason?: string;
  readonly authMethod: 'password';
}

export function verifySignature(
  store: QmsStore,
  body: Record<string, unknown>,
  signedAt: string,
  defaultMeaning: string,
): SignatureBlock {
  const raw = body.signature;
  if (raw === undefined || raw === null)
    throw new ApiError(422, 'SIGNATURE_REQUIRED', 'this action needs an electronic signature block', {
      fields: ['signature'],
      expected: { signature: { userId: '…', password: '…', meaning: defaultMeaning, reason: '(optional)' } },
    });
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ApiError(422, 'SIGNATURE_REQUIRED', 'signature must be an object', { fields: ['signature'] });
  const sig = raw as Record<string, unknown>;
  const missing = ['userId', 'password'].filter((f) => typeof sig[f] !== 'string' || sig[f] === '');
  if (missing.length > 0)
    throw new ApiError(422, 'SIGNATURE_REQUIRED', `the signature needs ${missing.join(', ')}`, {
      fields: missing.map((f) => `signature.${f}`),
    });
  const user = store.users.get(sig.userId as string);
  if (!user || !safeEqual(user.password, sig.password as string))
    throw new ApiError(401, 'SIGNATURE_INVALID', 'the signature could not be verified: wrong user id or password', {
      fields: ['signature.userId', 'signature.password'],
    });
  if (!user.canSign)
    throw new ApiError(403, 'SIGNER_NOT_AUTHORIZED', `user ${user.id} may not sign quality decisions`, {
      signerId: user.id,
    });
  const meaning = typeof sig.meaning === 'string' && sig.meaning !== '' ? sig.meaning : defaultMeaning;
  return {
    signerId: user.id,
    printedName: user.name,
    meaning,
    signedAt,
    sourceSystem: 'qms',
    ...(typeof sig.reason === 'string' && sig.reason !== '' ? { reason: sig.reason } : {}),
    authMethod: 'password',
  };
}

/** The signature as the canonical ElectronicSignature holds it (no reason or method there). */
export function canonicalSignature(s: SignatureBlock): Record<string, string> {
  return {
    signerId: s.signerId,
    printedName: s.printedName,
    meaning: s.meaning,
    signedAt: s.signedAt,
    sourceSystem: s.sourceSystem,
  };
}
