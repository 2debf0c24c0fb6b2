import { RemoteError } from '@millrace/node-sdk';
import { neutral } from '../errors.ts';
import type { CallOptions } from '../types.ts';

/** Shared by the SAP adapter's parts: request options, 404s, and checking what it builds. */

export function call(options: CallOptions): { signal: AbortSignal; timeoutMs?: number } {
  return { signal: options.signal, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) };
}

/** Gateway's answer when the service itself is not there: a setup problem, not a missing record. */
const NO_SERVICE = '/IWFND/MED/170';

/** Resolves to undefined when SAP answers 404 for the entity; other failures in ERP_ codes. */
export async function orMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (thrown) {
    if (thrown instanceof RemoteError && thrown.status === 404 && thrown.vendorCode !== NO_SERVICE) return undefined;
    throw neutral(thrown);
  }
}

export async function translated<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (thrown) {
    throw neutral(thrown);
  }
}

/** A string field of an SAP entity, or undefined when it is missing or empty. */
export function field(entity: Record<string, unknown>, name: string): string | undefined {
  const value = entity[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An Edm.DateTime date (as the client converts it) plus an Edm.Time "PT06H00M00S", as RFC 3339. */
export function dateAndTime(date: string | undefined, time: string | undefined): string | undefined {
  if (!date || !/^\d{4}-\d{2}-\d{2}T/.test(date)) return undefined;
  const t = time ? /^PT(\d{1,2})H(\d{1,2})M(\d{1,2})(?:\.\d+)?S$/.exec(time) : null;
  const hms = t ? [t[1], t[2], t[3]].map((n) => n!.padStart(2, '0')).join(':') : '00:00:00';
  return `${date.slice(0, 10)}T${hms}Z`;
}

/** An RFC 3339 string as the client converted it, without milliseconds of zero. */
export function timestamp(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.replace(/\.000Z$/, 'Z') : undefined;
}
