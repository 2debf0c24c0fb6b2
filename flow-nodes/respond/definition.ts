import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression, Headers } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'respond',
  version: 1,
  title: 'Respond',
  description:
    'Answers the waiting caller of a sync webhook. The message goes on out of "out", so the flow can continue after answering.',
  category: 'waiting',
  pure: true,
  config: Type.Object(
    {
      status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599, default: 200 })),
      headers: Type.Optional(Headers),
      body: Type.Optional(
        Type.Union(
          [Type.Literal('payload'), Type.Literal('none'), Expression('An expression whose value is sent as JSON.')],
          { default: 'payload' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [{ id: 'out', label: 'Answered' }],
});
