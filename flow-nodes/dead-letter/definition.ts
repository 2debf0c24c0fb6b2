import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'dead-letter',
  version: 1,
  title: 'Dead letter',
  description:
    'Parks the run in the dead-letter inbox with a reason, the message and the flow version, for a person to inspect, replay or discard.',
  category: 'resilience',
  config: Type.Object(
    {
      reason: Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'Why the run is parked, as operators will read it.',
      }),
      code: Type.Optional(
        Type.String({
          pattern: '^[A-Z][A-Z0-9_]*$',
          description: 'A code to filter dead letters by.',
          'x-hint': 'a code in capitals such as MALFORMED_EVENT',
        }),
      ),
      details: Type.Optional(Expression('Extra context to keep with the dead letter, an expression over msg.')),
      replayFrom: Type.Optional(
        Type.String({
          pattern: '^[A-Za-z][A-Za-z0-9_-]*$',
          description:
            'Where a replay resumes: this upstream node runs again (a fresh read), and what follows decides anew. Default: the node that sent the message here.',
          'x-widget': 'upstream-node',
          'x-hint': 'the id of a node with a path to this one, such as the read whose empty answer led here',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [],
  errorPort: false,
});
