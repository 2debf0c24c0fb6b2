import { createHash } from 'node:crypto';

/**
 * Canonical ids for records another system owns: a name-based UUID (RFC 9562 version 5) of the
 * record's address, so the same QMS record always gets the same canonical id, in every run and
 * on every retry, without a lookup table. The name includes the API's base URL, so two plants'
 * QMSs that both number from INS-1 do not collide.
 */
const NAMESPACE = Buffer.from('6f1d7c0e4b2a4f3e9d8c7b6a5f4e3d2c', 'hex');

export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
