import { ConfigError } from '@millrace/node-sdk';
import type { HttpClient } from '../../connections/http/client.ts';
import { createRestQmsAdapter } from './rest/adapter.ts';
import type { QmsAdapter } from './types.ts';

/**
 * The adapter for the bound connection's client: the connection decides, the node does not.
 * A `qms-rest` binding opens an HttpClient, which speaks the generic eQMS REST API
 * (shared/qms/README.md). A vendor with a connection type of its own (a Veeva Vault session
 * client, say) would be recognised here by its client's shape and get its own adapter.
 * Adapters hold no state, so making one per step costs nothing.
 */
export function qmsAdapterFor(connection: unknown, nodeType: string): QmsAdapter {
  if (connection && typeof (connection as Partial<HttpClient>).request === 'function') {
    return createRestQmsAdapter(connection as HttpClient);
  }
  throw new ConfigError(
    'QMS_NO_CONNECTION',
    `${nodeType} needs a "qms-rest" connection; none is bound, or the bound one is not a QMS API.`,
  );
}
