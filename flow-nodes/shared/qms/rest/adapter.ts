import { RemoteError } from '@millrace/node-sdk';
import type { Capa, InspectionLot, QualityEvent } from '@millrace/canonical';
import { excerpt } from '../../../connections/http/classify.ts';
import type { HttpClient, HttpResponse } from '../../../connections/http/client.ts';
import type { CallOptions, Created, QmsAdapter } from '../types.ts';
import { answerError, isDuplicate, readVendorError, type VendorError } from './answers.ts';
import { differences } from './compare.ts';
import {
  CAPA,
  INSPECTION,
  QUALITY_EVENT,
  comparable,
  parseBody,
  recordOf,
  recordsOf,
  toCanonical,
  type RecordKind,
  type WireRecord,
} from './records.ts';

/**
 * The generic eQMS REST adapter (shared/qms/README.md has the API it expects). Creating is one
 * POST with the step's Idempotency-Key: a retry of the same step gets the first answer again
 * from the QMS. A 409 "duplicate natural key" (the same lot and origin, the same external id)
 * means the record exists from another run or from before the QMS forgot the key: it is read
 * back and, when it is the record this step asks for, taken as the result; when it differs, a
 * person must decide, so it is a remote error showing the differences.
 */
export function createRestQmsAdapter(client: HttpClient): QmsAdapter {
  const apiRoot = client.baseUrl.href.replace(/\/+$/, '');
  return {
    vendor: 'generic-rest',
    createInspection: (request, o) =>
      create(client, apiRoot, INSPECTION, request, o) as Promise<Created<InspectionLot>>,
    openQualityEvent: (request, o) =>
      create(client, apiRoot, QUALITY_EVENT, request, o) as Promise<Created<QualityEvent>>,
    openCapa: (request, o) => create(client, apiRoot, CAPA, request, o) as Promise<Created<Capa>>,
  };
}

const JSON_ACCEPT = 'application/json';

async function create(
  client: HttpClient,
  apiRoot: string,
  kind: RecordKind,
  request: object,
  o: CallOptions,
): Promise<Created<unknown>> {
  const body = request as Readonly<Record<string, unknown>>;
  const answer = await client.request({
    method: 'POST',
    path: `/${kind.collection}`,
    headers: { accept: JSON_ACCEPT, 'idempotency-key': o.idempotencyKey },
    bodyText: JSON.stringify(body),
    signal: o.signal,
  });
  if (answer.status >= 200 && answer.status < 300) {
    const record = readRecord(answer, kind, 'POST');
    return { record: toCanonical(kind, record, body, apiRoot, o.log), qmsId: record.id, outcome: 'created' };
  }
  const vendor = readVendorError(answer);
  if (!isDuplicate(answer, vendor)) throw answerError(answer, 'POST', o.now(), 'QMS');

  const existing = await findExisting(client, kind, body, vendor, answer, o);
  if (!existing) {
    throw new RemoteError(
      'QMS_DUPLICATE_CONFLICT',
      `The QMS refused the ${kind.what} as a duplicate (409), but the record it means could not be found.`,
      {
        status: 409,
        ...(vendor.code === undefined ? {} : { vendorCode: vendor.code }),
        details: {
          ...(vendor.existingId === undefined ? {} : { existingId: vendor.existingId }),
          naturalKey: pick(body, kind.naturalKey),
        },
      },
    );
  }
  const compared = pick(body, kind.compared);
  const found = differences(compared, comparable(kind, existing));
  if (found.length > 0) {
    throw new RemoteError(
      'QMS_DUPLICATE_CONFLICT',
      `The QMS already holds ${kind.what} ${existing.id} for ${describeKey(body, kind)}, and it differs from this ` +
        `request in ${found.map((d) => d.field).join(', ')}; decide which is right there.`,
      {
        status: 409,
        ...(vendor.code === undefined ? {} : { vendorCode: vendor.code }),
        details: { existingId: existing.id, differences: found },
      },
    );
  }
  o.log.info(`qms: the ${kind.what} exists already and matches this request; taking it`, {
    recordId: existing.id,
    naturalKey: pick(body, kind.naturalKey),
  });
  return { record: toCanonical(kind, existing, body, apiRoot, o.log), qmsId: existing.id, outcome: 'existing' };
}

/**
 * The record a 409 duplicate refers to: by the id the error names, else by its Location
 * header, else by asking the collection for the natural key.
 */
async function findExisting(
  client: HttpClient,
  kind: RecordKind,
  body: Readonly<Record<string, unknown>>,
  vendor: VendorError,
  conflict: HttpResponse,
  o: CallOptions,
): Promise<WireRecord | undefined> {
  const path =
    vendor.existingId !== undefined
      ? `/${kind.collection}/${encodeURIComponent(vendor.existingId)}`
      : locationUrl(conflict.headers.location, client.baseUrl);
  if (path !== undefined) {
    const answer = await get(client, path, undefined, o);
    if (answer.status === 404) return undefined;
    if (answer.status < 200 || answer.status >= 300) throw answerError(answer, 'GET', o.now(), 'QMS');
    return readRecord(answer, kind, 'GET');
  }
  const key = pick(body, kind.naturalKey);
  const query = Object.fromEntries(Object.entries(key).map(([k, v]) => [k, String(v)]));
  const answer = await get(client, `/${kind.collection}`, query, o);
  if (answer.status < 200 || answer.status >= 300) throw answerError(answer, 'GET', o.now(), 'QMS');
  // The filter is the QMS's to apply; the natural key is checked again here in case it did not.
  return recordsOf(parseBody(answer)).find((r) => differences(key, comparable(kind, r)).length === 0);
}

/**
 * A Location is usually an absolute path ("/qms/api/v1/inspections/INS-1"), which the client
 * would append to its base path; as a full URL on the base's origin it is taken as it is (the
 * client still refuses another origin). One that does not parse is ignored.
 */
function locationUrl(location: string | undefined, base: URL): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base).href;
  } catch {
    return undefined;
  }
}

function get(
  client: HttpClient,
  path: string,
  query: Record<string, string> | undefined,
  o: CallOptions,
): Promise<HttpResponse> {
  return client.request({
    method: 'GET',
    path,
    ...(query ? { query } : {}),
    headers: { accept: JSON_ACCEPT },
    signal: o.signal,
  });
}

function readRecord(answer: HttpResponse, kind: RecordKind, method: string): WireRecord {
  const record = recordOf(parseBody(answer));
  if (!record) {
    throw new RemoteError(
      'QMS_INVALID_RESPONSE',
      `${method} ${answer.url} answered ${answer.status} without a ${kind.what} record (a JSON object with an "id").`,
      {
        status: answer.status,
        details: { status: answer.status, url: answer.url, bodyExcerpt: excerpt(answer.bodyText) },
      },
    );
  }
  return record;
}

function pick(body: Readonly<Record<string, unknown>>, fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => body[f] !== undefined).map((f) => [f, body[f]]));
}

function describeKey(body: Readonly<Record<string, unknown>>, kind: RecordKind): string {
  return kind.naturalKey.map((f) => `${f} ${JSON.stringify(body[f])}`).join(' and ');
}
