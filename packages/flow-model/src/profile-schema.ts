import { Type, type Static } from '@sinclair/typebox';
import { LocalId, NodeTypeId } from './common-schemas.ts';

export const PROFILE_SCHEMA_VERSION = 1;

export const PlantCode = Type.String({
  pattern: '^[A-Z0-9][A-Z0-9_-]{0,15}$',
  'x-hint': 'a plant code such as P100 (capitals and digits, at most 16 characters)',
});

/**
 * A connection bound for one plant. `type` picks the connection type; the other fields are
 * checked against that type's schema from the node catalog at publishable level.
 */
export const ConnectionBinding = Type.Object(
  { type: NodeTypeId },
  { additionalProperties: true, description: 'Endpoint and credentials of one connection slot.' },
);
export type ConnectionBinding = Static<typeof ConnectionBinding>;

export const ProfileSchema = Type.Object(
  {
    schemaVersion: Type.Literal(PROFILE_SCHEMA_VERSION),
    plant: PlantCode,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String()),
    timezone: Type.Optional(
      Type.String({ minLength: 1, description: 'IANA time zone of the plant, such as Europe/Berlin.' }),
    ),
    params: Type.Optional(Type.Object({}, { additionalProperties: true })),
    connections: Type.Optional(Type.Record(LocalId, ConnectionBinding)),
  },
  {
    additionalProperties: false,
    title: 'Millrace plant profile',
    description: 'What one plant binds: parameter values, and an endpoint with credentials for each connection slot.',
  },
);
export type PlantProfile = Static<typeof ProfileSchema>;
