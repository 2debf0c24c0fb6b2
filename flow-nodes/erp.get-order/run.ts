import { defineNode, emit, emitText, type NodeResult } from '@millrace/node-sdk';
import { erpAdapterFor } from '../shared/erp/adapters.ts';
import { stripLeadingZeros } from '../shared/erp/ids.ts';
import { Inputs } from '../shared/erp/inputs.ts';
import { merged, stepCall } from '../shared/erp/output.ts';
import { DEFAULT_ORDER_NUMBER, definition } from './definition.ts';

/** SAP's ManufacturingOrder is 12 characters; other ERPs' numbers fit in the canonical 40. */
const ORDER_NUMBER = /^[A-Za-z0-9_/-]{1,40}$/;

export const node = defineNode({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const config = ctx.config;
    const adapter = erpAdapterFor(ctx.connection, definition.type);
    const inputs = await Inputs.evaluate(ctx.code, { orderNumber: config.orderNumber ?? DEFAULT_ORDER_NUMBER });
    const number = stripLeadingZeros(
      inputs.text('orderNumber', { pattern: ORDER_NUMBER, hint: 'an order number of letters and digits' }),
    );
    const order = await adapter.readOrder(number, stepCall(ctx, config.timeoutMs));
    if (!order) {
      ctx.log.info('order not found', { orderNumber: number, system: adapter.system });
      return emitText('notFound', ctx.message.payloadText, { 'erp-order': number });
    }
    const headers = { 'erp-order': order.orderNumber };
    return config.output === 'order'
      ? emit('out', order, headers)
      : emit('out', merged(ctx.message.payload, 'order', order), headers);
  },
});
