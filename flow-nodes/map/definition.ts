import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression, JavaScript, SchemaChoice } from '../shared/schemas.ts';

const OutputSchema = SchemaChoice('The new payload must match this, or the step fails with a data error.');

export const definition = nodeSpec({
  type: 'map',
  version: 1,
  title: 'Map',
  description:
    'Builds a new payload, from a field table (target field ← expression) or from JavaScript code that returns it. Runs in the sandbox.',
  category: 'transform',
  pure: true,
  config: Type.Union(
    [
      Type.Object(
        {
          mode: Type.Optional(Type.Literal('code', { default: 'code' })),
          source: JavaScript('A function body with msg, params and helpers in scope; it returns the new payload.'),
          outputSchema: Type.Optional(OutputSchema),
        },
        { additionalProperties: false, title: 'Code' },
      ),
      Type.Object(
        {
          mode: Type.Literal('fields'),
          fields: Type.Array(
            Type.Object(
              {
                target: Type.String({
                  pattern: '^[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*|\\[\\d+\\])*$',
                  description: 'Field of the new payload, such as lot.id or items[0].qty.',
                  'x-hint': 'a field path such as lot.id or items[0].qty',
                }),
                value: Expression('Its value, an expression over msg and params.'),
              },
              { additionalProperties: false },
            ),
            { minItems: 1, description: 'One row per field of the new payload.' },
          ),
          outputSchema: Type.Optional(OutputSchema),
        },
        { additionalProperties: false, title: 'Field table' },
      ),
    ],
    { type: 'object' },
  ),
  input: Type.Unknown(),
  outputs: [{ id: 'out', label: 'Mapped' }],
  errors: [
    {
      code: 'MAP_THREW',
      category: 'sandbox',
      description: 'The mapping code threw; the error port gets the message and the input.',
    },
    { code: 'MAP_TIMEOUT', category: 'sandbox', description: 'The mapping code ran past the time limit.' },
    { code: 'MAP_OUTPUT_INVALID', category: 'data', description: 'The new payload does not match outputSchema.' },
  ],
});
