import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';

export const definition = nodeSpec({
  type: 'trigger.poll',
  version: 1,
  title: 'Poll',
  description:
    'Polls an HTTP endpoint on an interval for what changed since the last poll (a QMS `updatedSince` cursor), starting one run per item. The watermark is stored durably and moves only after every item of a page is durable, so nothing is skipped; an item may arrive twice after a crash, so key runs on the item id.',
  category: 'trigger',
  connection: { types: ['http', 'qms-rest'], required: true },
  config: Type.Object(
    {
      path: Type.String({ minLength: 1, description: "Path under the connection's base URL, such as /inspections." }),
      watermarkParam: Type.String({
        minLength: 1,
        default: 'updatedSince',
        description: 'Query parameter that carries the watermark.',
      }),
      watermarkField: Type.String({
        minLength: 1,
        default: 'updatedAt',
        description: 'Field of each item whose greatest value becomes the next watermark.',
      }),
      itemsField: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'Field of the answer that holds the items; the answer itself when absent.',
        }),
      ),
      initialWatermark: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'Where the first poll starts, such as 2026-01-01T00:00:00Z; now when absent.',
        }),
      ),
      intervalMs: Type.Optional(
        Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 60_000, description: 'Time between polls.' }),
      ),
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [{ id: 'out', label: 'Item', description: 'payload = one changed item' }],
  errors: [{ code: 'POLL_ANSWER_INVALID', category: 'remote', description: 'The answer holds no array of items.' }],
});
