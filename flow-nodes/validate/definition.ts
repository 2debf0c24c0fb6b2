import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { SchemaChoice } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'validate',
  version: 1,
  title: 'Validate',
  description:
    'Checks the payload against a canonical schema or an inline JSON Schema. Valid messages go out of "valid"; invalid ones out of "invalid" with every problem (pointer and message) attached, so nothing is lost.',
  category: 'transform',
  pure: true,
  config: Type.Object({ schema: SchemaChoice('The schema the payload must match.') }, { additionalProperties: false }),
  input: Type.Unknown(),
  outputs: [
    { id: 'valid', label: 'Valid' },
    { id: 'invalid', label: 'Invalid', description: 'payload = { input, problems: [{ pointer, message }] }' },
  ],
});
