import { Type } from '@sinclair/typebox';
import { nodeSpec } from '@millrace/node-sdk';
import { Expression } from '../shared/schemas.ts';
import { COMMON_ERP_ERRORS, OutputMode, Timeout, erpConnection } from '../shared/erp/definition-parts.ts';

export const DEFAULT_ORDER_NUMBER = 'msg.payload.productionOrderId';

export const definition = nodeSpec({
  type: 'erp.get-order',
  version: 1,
  title: 'ERP: get production order',
  description:
    'Reads a production order from the ERP and emits it as a canonical ProductionOrder (status and the ERP\'s own statuses, planned/confirmed/scrap quantities as decimal strings with UN/CEFACT units, planned dates, output lots). Order numbers are compared without leading zeros, so "000001000123" finds order 1000123. An order the ERP does not have goes out of "notFound", not as an error.',
  category: 'business',
  connection: erpConnection,
  config: Type.Object(
    {
      orderNumber: Type.Optional(
        Expression('The order number; leading zeros are ignored.', { default: DEFAULT_ORDER_NUMBER }),
      ),
      output: OutputMode('order', 'order', 'the ProductionOrder alone'),
      timeoutMs: Timeout,
    },
    { additionalProperties: false },
  ),
  input: Type.Unknown(),
  outputs: [
    {
      id: 'out',
      label: 'Order',
      description:
        'payload = { ...msg.payload, order: ProductionOrder } (a payload that is not an object is replaced by { order }), or the ProductionOrder alone with output "order". Header erp-order = the order number.',
    },
    {
      id: 'notFound',
      label: 'Not found',
      description:
        'The ERP has no order with that number: the input payload unchanged, header erp-order = the number looked up.',
    },
  ],
  errors: COMMON_ERP_ERRORS,
});
