/**
 * The connection types the ERP business nodes have an adapter for. Browser-safe (the node
 * definitions list it), so it holds nothing but the names; shared/erp/adapters.ts maps each
 * to its adapter.
 */
export const ERP_CONNECTION_TYPES = ['sap-odata-v2'] as const;
