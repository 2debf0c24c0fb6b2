/** The CloudEvents 1.0 envelope every canonical event travels in (JSON event format). */
import { Type, type Static } from '@sinclair/typebox';
import { Code, Timestamp } from '../building-blocks.ts';

/** The CloudEvents rule for attribute names; extensions beyond ours must follow it too. */
export const EXTENSION_NAME_PATTERN = '^[a-z0-9]+$';

export const CloudEventSchema = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Code,
    source: Type.String({ format: 'uri-reference', minLength: 1 }),
    type: Code,
    time: Timestamp,
    subject: Type.Optional(Code),
    datacontenttype: Type.Optional(
      Type.String({
        pattern: '^application/([a-z0-9.+-]+\\+)?json(\\s*;.*)?$',
        'x-hint': 'a JSON media type such as "application/json"',
      }),
    ),
    dataschema: Type.Optional(Type.String({ format: 'uri' })),
    data: Type.Unknown(),
    correlationid: Type.Optional(Code),
    causationid: Type.Optional(Code),
    idempotencykey: Type.Optional(Code),
    sequence: Type.Optional(
      Type.String({ minLength: 1, description: 'Lexicographically ordered, e.g. zero-padded digits.' }),
    ),
  },
  {
    title: 'CloudEvent',
    description:
      'A CloudEvents 1.0 envelope (JSON format) with the Millrace extensions correlationid, causationid, ' +
      'idempotencykey and sequence. Other extension attributes are allowed if their names are lower-case ' +
      'letters and digits and their values are strings, numbers or booleans. `time` and `data` are required.',
    // Extensions may be added by any hop; a camelCase name is a typo of ours or a spec violation.
    propertyNames: {
      pattern: EXTENSION_NAME_PATTERN,
      'x-hint': 'lower-case letters and digits only, as CloudEvents requires for attribute names',
    },
    additionalProperties: Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'] }),
  },
);

/** An event whose data has not been checked against its type's schema. */
export type CloudEvent = Static<typeof CloudEventSchema>;
