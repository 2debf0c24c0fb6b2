import {
  CancelledError,
  toFlowError,
  type FlowError,
  type TriggerContext,
  type TriggerEvent,
} from '@millrace/node-sdk';
import { backoffDelay } from '../connections/mqtt/backoff.ts';

/** Retries of a failed accept: quick at first, then every 30 s at most. */
const RETRY = { minMs: 200, maxMs: 30000 };

/**
 * Engine errors that say the flow is not set up to take events here (a deploy race), not that
 * this event is bad: the message is kept for later rather than refused.
 */
const SETUP_CODES = new Set(['FLOW_NOT_DEPLOYED', 'FLOW_HAS_NO_TRIGGER']);

/**
 * Hands one event to the engine and resolves once it is durable: only then may the message be
 * acknowledged. Rejects (the message stays unacknowledged, so the broker delivers it again on
 * the next session) only when the trigger stops first.
 *
 * - accept resolved: durable (or a duplicate of a durable one): acknowledge.
 * - accept refused the event itself (a validation or data error, such as key expressions that
 *   fail on it): retrying cannot help and an unacknowledged message would come back forever,
 *   so it is handed to ctx.reject (recorded, nothing written) and acknowledged.
 * - anything else (engine overloaded or stopping, a database error): retried with backoff,
 *   honouring retryAfterMs, until it succeeds or the trigger stops. Messages received after it
 *   wait for their acknowledgement meanwhile (acks go out in order), so the broker holds back.
 */
export async function deliver(ctx: TriggerContext, event: TriggerEvent, signal: AbortSignal): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted)
      throw new CancelledError('TRIGGER_STOPPED', 'the trigger stopped before the event was accepted');
    let error: FlowError;
    try {
      await ctx.accept(event);
      return;
    } catch (thrown) {
      error = toFlowError(thrown);
    }
    if ((error.category === 'validation' || error.category === 'data') && !SETUP_CODES.has(error.code)) {
      ctx.log.warn('the engine refused an MQTT message; it is acknowledged and not retried', {
        sourceKey: event.sourceKey,
        code: error.code,
        message: error.message,
      });
      await ctx.reject(event, error.toJSON());
      return;
    }
    if (error.category === 'cancelled') throw error;
    const delayMs = (error as { retryAfterMs?: number }).retryAfterMs ?? backoffDelay(attempt, RETRY);
    ctx.log.warn('could not accept an MQTT message; retrying', {
      sourceKey: event.sourceKey,
      code: error.code,
      message: error.message,
      attempt: attempt + 1,
      delayMs,
    });
    await sleep(delayMs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
