import { createHash } from 'node:crypto';

/**
 * Identifiers between the ERP and the canonical model. ERP document numbers are often stored
 * padded ("000001000123") and shown unpadded ("1000123"), and two services of the same ERP may
 * disagree: canonical objects always carry the unpadded form, adapters pad where a key needs it.
 */

/** "000001000123" → "1000123"; an id with letters is left as it is (SAP pads only numeric ids). */
export function stripLeadingZeros(id: string): string {
  return /^\d+$/.test(id) ? id.replace(/^0+(?=\d)/, '') : id;
}

/** "1000123" → "000001000123" for a NUMC field of that length; ids with letters are left alone. */
export function padNumeric(id: string, length: number): string {
  return /^\d+$/.test(id) ? id.padStart(length, '0') : id;
}

const NAMESPACE = Buffer.from('8d3b1f52c6a94e0b9a7d2e4c5f6a7b80', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5) of a record's address in another system, so the same
 * ERP order gets the same canonical id in every run, on every retry, without a lookup table.
 */
export function nameBasedUuid(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Room for it in SAP's MaterialDocumentHeaderText (25 characters). */
export const MARKER_LENGTH = 25;

/**
 * The marker a posting carries so a later attempt of the same step can recognise it: "MR-" and
 * 22 characters of a SHA-256 over flow, plant and the step's idempotency key. Not the key itself:
 * keys are longer than SAP's 25-character header text, and a run id alone repeats across
 * installations (a reset test database against a long-lived ERP would find another run's
 * document and skip a posting that was never made).
 */
export function postingMarker(step: { flowId: string; plant?: string; idempotencyKey: string }): string {
  const digest = createHash('sha256')
    .update(`${step.flowId}\n${step.plant ?? ''}\n${step.idempotencyKey}`, 'utf8')
    .digest('base64url');
  return `MR-${digest.slice(0, MARKER_LENGTH - 3)}`;
}
