import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';

export const definition = nodeSpec({
  type: 'split',
  version: 1,
  title: 'Split',
  description:
    'Sends one message per item of an array (the payload, or what an expression gives): each item becomes its own step with its own idempotency key, so one failing item does not repeat the others.',
  category: 'routing',
  pure: true,
  config: Type.Object(
    {
      items: Type.Optional(Expression('The array to split, an expression over msg; the payload itself when absent.')),
      maxItems: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 100000,
          default: 10000,
          description: 'More items than this is a data error, not a flood.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    { id: 'out', label: 'Item', description: 'payload = one item; headers split-index and split-count.' },
    { id: 'empty', label: 'Empty', description: 'The array had no item: the message goes on once, here.' },
  ],
  errors: [
    { code: 'SPLIT_NOT_ARRAY', category: 'data', description: 'The value to split is not an array.' },
    { code: 'SPLIT_TOO_MANY', category: 'data', description: 'More items than maxItems.' },
  ],
});
