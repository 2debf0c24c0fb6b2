import { Type } from '@sinclair/typebox';
import type { CatalogError } from '@millrace/flow-model';
import { TimeoutMs } from '../schemas.ts';
import { ERP_CONNECTION_TYPES } from './connection-types.ts';

/** Pieces the ERP business nodes' definitions share. Browser-safe: schemas and words only. */

export const erpConnection = { types: ERP_CONNECTION_TYPES, required: true } as const;

export const Timeout = Type.Optional(TimeoutMs(30000));

/** How the result leaves the node: merged into the payload under `key`, or alone. */
export const OutputMode = (key: string, alone: string, aloneDescription: string) =>
  Type.Optional(
    Type.Union([Type.Literal('merge'), Type.Literal(alone)], {
      default: 'merge',
      description: `"merge" emits the input payload with the result under "${key}"; "${alone}" emits ${aloneDescription}.`,
    }),
  );

/** The errors every ERP business node can raise, whatever the adapter behind it. */
export const COMMON_ERP_ERRORS: readonly CatalogError[] = [
  {
    code: 'ERP_INPUT_INVALID',
    category: 'data',
    description:
      'A config expression gave a value the ERP cannot take (missing, empty, wrong form); details name the field and expression. Nothing was sent.',
  },
  {
    code: 'ERP_TRANSIENT',
    category: 'transient',
    description:
      'The ERP is unavailable for now (429, 502, 503, 504, a timeout, a network error); retried, honouring Retry-After.',
  },
  {
    code: 'ERP_CSRF_REFUSED',
    category: 'transient',
    description: 'SAP refused the CSRF token even after a fresh one was fetched (a dropped session cookie).',
  },
  {
    code: 'ERP_UNAUTHORIZED',
    category: 'auth',
    description: "The ERP refused the connection's credentials or rights.",
  },
  {
    code: 'ERP_REJECTED',
    category: 'remote',
    description:
      'The ERP refused the request for a business reason; vendorCode is its message code (SAP: class/number).',
  },
  {
    code: 'ERP_INVALID_RESPONSE',
    category: 'remote',
    description: 'The ERP answered with something that is not its API, or that does not map to the canonical object.',
  },
  {
    code: 'ERP_NO_CONNECTION',
    category: 'config',
    description: `No ERP connection is bound, or one this node has no adapter for (${ERP_CONNECTION_TYPES.join(', ')}).`,
  },
];
