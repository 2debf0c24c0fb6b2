import type { RunContext } from '@millrace/node-sdk';
import { excerpt } from '../connections/http/classify.ts';
import type { HttpClient } from '../connections/http/client.ts';
import { answerError, parseObject, readVendorError } from '../shared/qms/rest/answers.ts';
import type { HoldRequest, HoldResult } from './hold.ts';

/**
 * The hold over the MES REST API: POST <path> with the hold as JSON and the step's
 * Idempotency-Key. A 409 saying the lot is already on hold is the state asked for, so it is
 * success (`alreadyOnHold`), never a failure to retry or park: holding twice is not an error on
 * the shop floor, and a run repeated after a crash must not dead-letter for it.
 */
export async function holdViaHttp(
  client: HttpClient,
  path: string,
  hold: HoldRequest,
  timeoutMs: number | undefined,
  ctx: RunContext<unknown, unknown, unknown>,
): Promise<HoldResult> {
  const url = path.replaceAll('{lotId}', encodeURIComponent(hold.lotId));
  const requestedAt = ctx.now().toISOString();
  const answer = await client.request({
    method: 'POST',
    path: url,
    headers: { accept: 'application/json', 'idempotency-key': ctx.idempotencyKey },
    bodyText: JSON.stringify(hold),
    signal: ctx.signal,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  const base = {
    lotId: hold.lotId,
    status: 'requested',
    via: 'http',
    holdType: hold.holdType,
    reason: hold.reason,
    requestedAt,
  } as const;

  if (answer.status >= 200 && answer.status < 300) {
    const body = parseObject(answer.bodyText);
    // A body that is not a JSON object does not undo a 2xx: the hold went through, its id is unknown.
    if (!body && answer.bodyText.trim() !== '')
      ctx.log.warn('mes: the hold answer is not a JSON object; no hold id', { excerpt: excerpt(answer.bodyText) });
    return { ...base, ...said(body?.holdId ?? body?.id, body?.status ?? body?.state) };
  }
  const vendor = readVendorError(answer);
  if (
    answer.status === 409 &&
    (vendor.existingId !== undefined || /ALREADY|DUPLICATE|HOLD_ACTIVE/i.test(vendor.code ?? ''))
  ) {
    ctx.log.info('mes: the lot is already on hold', { lotId: hold.lotId, holdId: vendor.existingId });
    return { ...base, alreadyOnHold: true, ...said(vendor.existingId, vendor.currentState) };
  }
  throw answerError(answer, 'POST', ctx.now(), 'MES');
}

function said(holdId: unknown, status: unknown): { holdId?: string; mesStatus?: string } {
  return {
    ...(typeof holdId === 'string' || typeof holdId === 'number' ? { holdId: String(holdId) } : {}),
    ...(typeof status === 'string' ? { mesStatus: status } : {}),
  };
}
