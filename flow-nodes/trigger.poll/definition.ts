import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';

export const definition = nodeSpec({
  type: 'trigger.poll',
  version: 1,
  title: 'Poll',
  description:
    'Polls on an interval for what changed since the last poll, starting one run per item: an HTTP endpoint with a cursor parameter (a QMS `updatedSince`), or an SAP OData V2 entity set filtered on a change timestamp (`LastChangeDateTime gt …`). The watermark is stored durably and moves only after every item is durable, so nothing is skipped; an item may arrive twice after a crash, so key runs on the item id.',
  category: 'trigger',
  connection: { types: ['http', 'qms-rest', 'sap-odata-v2'], required: true },
  config: Type.Object(
    {
      path: Type.Optional(
        Type.String({ minLength: 1, description: "HTTP: path under the connection's base URL, such as /inspections." }),
      ),
      service: Type.Optional(
        Type.String({ minLength: 1, description: 'OData: the service, such as API_PRODUCTION_ORDER_2_SRV.' }),
      ),
      entitySet: Type.Optional(
        Type.String({ minLength: 1, description: 'OData: the entity set, such as A_ProductionOrder_2.' }),
      ),
      watermarkParam: Type.Optional(
        Type.String({
          minLength: 1,
          default: 'updatedSince',
          description: 'HTTP: query parameter that carries the watermark.',
        }),
      ),
      watermarkField: Type.Optional(
        Type.String({
          minLength: 1,
          description:
            'Field of each item whose greatest value becomes the next watermark (updatedAt for HTTP, LastChangeDateTime for OData).',
        }),
      ),
      itemsField: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'HTTP: field of the answer that holds the items; the answer itself when absent.',
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
  errors: [
    { code: 'POLL_ANSWER_INVALID', category: 'remote', description: 'The answer holds no array of items.' },
    {
      code: 'POLL_CONFIG_INCOMPLETE',
      category: 'config',
      description: 'HTTP needs path; OData needs service and entitySet.',
    },
  ],
});
