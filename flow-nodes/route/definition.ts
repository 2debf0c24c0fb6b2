import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'route',
  version: 1,
  title: 'Route',
  description:
    'Sends the message out of the port of the first condition that holds (or of every one, in mode "all"); "default" when none does. Conditions run in the sandbox.',
  category: 'routing',
  pure: true,
  config: Type.Object(
    {
      mode: Type.Optional(Type.Union([Type.Literal('first'), Type.Literal('all')], { default: 'first' })),
      routes: Type.Array(
        Type.Object(
          {
            port: Type.String({
              pattern: '^[A-Za-z][A-Za-z0-9_-]*$',
              maxLength: 64,
              description: 'Name of the port this route sends to.',
              'x-hint': 'a port name such as accepted (a letter, then letters, digits, "_" or "-")',
            }),
            when: Expression('Condition over msg and params; truthy means this route.'),
            label: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [{ id: 'default', label: 'Default', description: 'No condition held.' }],
  dynamicOutputs: { configPointer: '/routes', portField: 'port' },
  errors: [{ code: 'ROUTE_CONDITION_THREW', category: 'sandbox', description: 'A condition threw.' }],
});
