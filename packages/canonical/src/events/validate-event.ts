import type { Problem } from '@millrace/schema';
import { canonicalSchemaId, parseCanonicalRef, resolveCanonicalRef } from '../registry.ts';
import { problemsOf, validatorFor } from '../validate.ts';
import { CANONICAL_EVENT_TYPES, resolveEventType } from './event-types.ts';

const ENVELOPE = resolveCanonicalRef('canonical:CloudEvent@1');

/**
 * Checks a canonical event: the CloudEvents envelope, that its type is a canonical one, and its
 * `data` against that type's schema. Pointers are into the event (`/data/producedLot/qty/value`);
 * envelope problems come first, then those of `data`.
 */
export function validateEvent(event: unknown): Problem[] {
  if (!ENVELOPE) throw new Error('the CloudEvent envelope schema is missing from the registry');
  const problems = problemsOf(validatorFor(ENVELOPE), event);
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return problems;
  const { type, data, dataschema } = event as Record<string, unknown>;
  if (typeof type !== 'string' || type.length === 0) return problems;

  const eventType = resolveEventType(type);
  if (!eventType) {
    const known = CANONICAL_EVENT_TYPES.map((e) => `"${e.type}"`).join(', ');
    return [...problems, { pointer: '/type', message: `is not a canonical event type; expected one of ${known}` }];
  }
  const dataEntry = resolveCanonicalRef(eventType.dataRef);
  if (!dataEntry) throw new Error(`event type ${type} names ${eventType.dataRef}, which is not in the registry`);
  const parsed = parseCanonicalRef(eventType.dataRef) as { name: string; major: number };
  const expectedSchema = canonicalSchemaId(parsed.name, parsed.major);
  if (typeof dataschema === 'string' && dataschema !== expectedSchema) {
    problems.push({ pointer: '/dataschema', message: `must be "${expectedSchema}" for type ${type}, or be left out` });
  }
  if (data !== undefined) problems.push(...problemsOf(validatorFor(dataEntry), data, '/data'));
  return problems;
}
