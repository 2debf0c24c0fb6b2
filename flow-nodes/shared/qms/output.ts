import { DataError, emit, type Headers, type InputMessage, type NodeResult } from '@millrace/node-sdk';
import { describeValue } from '../expressions.ts';

/**
 * How a business node hands its result on. `merge` (the default) keeps the message and adds
 * the result under one key, `{ ...msg.payload, inspection }`, so later steps still see the
 * batch completion that started the run; the key's name alone gives just the result object.
 */
export type OutputMode = 'merge' | string;

/**
 * Merging needs an object payload. Checked before the side effect: a message that cannot carry
 * the result must fail before the QMS or MES is asked, not after it acted.
 */
export function checkMergeable(message: InputMessage, mode: OutputMode, nodeType: string, code: string): void {
  if (mode !== 'merge') return;
  const payload = message.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new DataError(
      code,
      `${nodeType} adds its result to the payload, which must then be an object; it is ${describeValue(payload)}. ` +
        'Set "output" to emit the result alone.',
      { details: { payloadType: describeValue(payload) } },
    );
  }
}

export function emitResult(
  message: InputMessage,
  mode: OutputMode,
  key: string,
  result: unknown,
  headers: Headers,
): NodeResult {
  const payload = mode === 'merge' ? { ...(message.payload as Record<string, unknown>), [key]: result } : result;
  return emit('out', payload, { ...message.headers, ...headers });
}
