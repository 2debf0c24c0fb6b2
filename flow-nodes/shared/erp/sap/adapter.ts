import type { SapClient } from '../../../connections/sap-odata-v2/run.ts';
import type { ErpAdapter } from '../types.ts';
import { ORDER_SERVICE, readOrder } from './orders.ts';
import { DOCUMENT_SERVICE, STOCK_SERVICE, findTransfer, postTransfer, readLotStock } from './stock.ts';
import { INSPECTION_SERVICE, readInspectionLot, readUsageDecision, recordUsageDecision } from './usage-decision.ts';

/**
 * The ERP adapter for an `sap-odata-v2` connection: S/4HANA's standard OData V2 APIs. The
 * client brings the protocol (CSRF, cookies, sap-client, /Date()/, V2 errors); this adapter
 * brings the business vocabulary (entity sets, fields, movement types, padded ids).
 */
export function createSapErpAdapter(client: SapClient): ErpAdapter {
  // Names the ERP in externalRefs and canonical ids: the host and client identify an SAP system.
  const system = `sap:${client.baseUrl.host}/${client.sapClient}`;
  return {
    system,
    readOrder: (orderNumber, options) => readOrder(client.service(ORDER_SERVICE), system, orderNumber, options),
    readLotStock: (lot, options) => readLotStock(client.service(STOCK_SERVICE), lot, options),
    findTransfer: (marker, lot, options) => findTransfer(client.service(DOCUMENT_SERVICE), marker, lot, options),
    postTransfer: (request, options) => postTransfer(client.service(DOCUMENT_SERVICE), request, options),
    readInspectionLot: (lot, options) => readInspectionLot(client.service(INSPECTION_SERVICE), system, lot, options),
    readUsageDecision: (lot, options) => readUsageDecision(client.service(INSPECTION_SERVICE), lot, options),
    recordUsageDecision: (request, options) =>
      recordUsageDecision(client.service(INSPECTION_SERVICE), request, options),
  };
}

/** An open sap-odata-v2 client, told apart from other connections' clients by its shape. */
export function isSapClient(connection: unknown): connection is SapClient {
  const c = connection as Partial<SapClient> | null | undefined;
  return !!c && typeof c.service === 'function' && typeof c.sapClient === 'string' && c.baseUrl instanceof URL;
}
