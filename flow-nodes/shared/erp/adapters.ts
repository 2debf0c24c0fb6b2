import { ConfigError } from '@millrace/node-sdk';
import { ERP_CONNECTION_TYPES } from './connection-types.ts';
import { createSapErpAdapter, isSapClient } from './sap/adapter.ts';
import type { ErpAdapter } from './types.ts';

/**
 * The adapter for the bound connection's client: the connection decides, the node does not.
 * The run context hands a node the open client only, so each adapter recognises its own
 * connection type's client by shape. Another ERP (an OData V4 S/4, a REST ERP) is one more
 * entry here and one more type in ERP_CONNECTION_TYPES; the nodes stay as they are.
 */
const ADAPTERS: ReadonlyArray<{
  readonly recognises: (connection: unknown) => boolean;
  readonly create: (connection: never) => ErpAdapter;
}> = [{ recognises: isSapClient, create: createSapErpAdapter }];

export function erpAdapterFor(connection: unknown, nodeType: string): ErpAdapter {
  const adapter = ADAPTERS.find((a) => a.recognises(connection));
  if (adapter) return adapter.create(connection as never);
  throw new ConfigError(
    'ERP_NO_CONNECTION',
    connection === undefined || connection === null
      ? `${nodeType} needs an ERP connection (${ERP_CONNECTION_TYPES.join(', ')}), and none is bound.`
      : `${nodeType} cannot work with the bound connection; it speaks ${ERP_CONNECTION_TYPES.join(', ')}.`,
  );
}
