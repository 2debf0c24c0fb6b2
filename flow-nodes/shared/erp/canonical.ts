import { RemoteError } from '@millrace/node-sdk';
import { validateCanonical } from '@millrace/canonical';

/**
 * The canonical object the adapter built, checked against its schema: what the ERP sent may not fit
 * (a unit with no Rec 20 code, a malformed quantity), and a business node must not pass on a
 * "canonical" object that is not one.
 */
export function checkedCanonical<T>(ref: string, value: T, what: string): T {
  const problems = validateCanonical(ref, value);
  if (problems.length > 0) {
    throw new RemoteError(
      'ERP_INVALID_RESPONSE',
      `${what} the ERP gave does not map to ${ref}: ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}.`,
      { details: { problems } },
    );
  }
  return value;
}
