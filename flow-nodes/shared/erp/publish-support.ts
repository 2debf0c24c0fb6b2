import { validateFlowPublishable, type Flow } from '@millrace/flow-model';
import { catalog } from '../../catalog.ts';

/**
 * Test support: the problems publishing reports for a flow with one ERP business node of `type`
 * and the given config, behind a webhook, with an ERP connection slot. Its node is /nodes/1.
 */
export function publishProblems(type: string, config: Record<string, unknown>, connectionType = 'sap-odata-v2') {
  const flow = {
    schemaVersion: 1,
    id: 'erp-node',
    name: 'ERP node',
    version: '1.0.0',
    connections: { erp: { type: connectionType } },
    nodes: [
      { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'erp' } },
      { id: 'erp', type, version: 1, connection: 'erp', config },
    ],
    edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'erp', port: 'in' } }],
  } as unknown as Flow;
  return validateFlowPublishable(flow, { catalog }).map((p) => ({ pointer: p.pointer, message: p.message }));
}
