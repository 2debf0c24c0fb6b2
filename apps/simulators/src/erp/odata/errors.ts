/**
 * OData V2 errors as SAP Gateway writes them. Everything a handler refuses is thrown as an
 * ODataError and answered with the V2 error JSON, so clients see the same shape for a business
 * rule (M7/021 "Deficit of …") as for a malformed $filter.
 */
export interface ErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
  readonly severity?: 'error' | 'warning' | 'info';
}

export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** Gateway's code for "no such entity / segment". */
export const NOT_FOUND = '/IWBEP/CM_MGW_RT/020';
/** Gateway's code for a syntactically wrong request (query options, literals, body). */
export const BAD_REQUEST = '/IWBEP/CM_MGW_RT/022';

export function notFound(what: string): ODataError {
  return new ODataError(404, NOT_FOUND, `Resource not found for segment '${what}'`);
}

export function badRequest(message: string, target = ''): ODataError {
  return new ODataError(400, BAD_REQUEST, message, target ? [{ code: BAD_REQUEST, message, target }] : []);
}

let transaction = 0;

/** The V2 error body; `errordetails` always repeats the main message, as Gateway does. */
export function errorBody(error: ODataError, service: string, now: Date): unknown {
  // Gateway's "20210524082515.9921880": yyyyMMddHHmmss and seven fractional digits.
  const stamp = now.toISOString().replace(/[-:T]/g, '').replace('Z', '') + '0000';
  transaction = (transaction + 1) % 1_000_000;
  const details = error.details.length > 0 ? error.details : [{ code: error.code, message: error.message }];
  return {
    error: {
      code: error.code,
      message: { lang: 'en', value: error.message },
      innererror: {
        application: {
          component_id: 'SIM-ERP',
          service_namespace: '/SAP/',
          service_id: service,
          service_version: '0001',
        },
        transactionid: `SIM${String(transaction).padStart(29, '0')}`,
        timestamp: stamp,
        Error_Resolution: {
          SAP_Transaction:
            'Run transaction /IWFND/ERROR_LOG on SAP Gateway hub system (System Alias ) and search for entries with the timestamp above for more details',
          SAP_Note: 'See SAP Note 1797736 for error analysis (https://service.sap.com/sap/support/notes/1797736)',
        },
        errordetails: details.map((d) => ({
          code: d.code,
          message: d.message,
          propertyref: '',
          severity: d.severity ?? 'error',
          target: d.target ?? '',
          transition: false,
        })),
      },
    },
  };
}
