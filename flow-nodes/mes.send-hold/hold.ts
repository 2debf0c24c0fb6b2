import { DataError } from '@millrace/node-sdk';
import { ref } from '../shared/qms/request-check.ts';

/** The hold instruction both ways of sending carry: what the MES simulator receives as the body or `data`. */
export interface HoldRequest {
  readonly lotId: string;
  readonly reason: string;
  readonly holdType: string;
  readonly requestedBy: 'millrace';
  /** The run that asked, so the shop floor's record leads back to the integration trace. */
  readonly runId: string;
}

/** What the node emits under `hold`. */
export interface HoldResult {
  readonly lotId: string;
  /** The hold is asked for; the MES's own state (its UNS state topic, its REST answer) confirms it. */
  readonly status: 'requested';
  readonly via: 'http' | 'mqtt';
  readonly holdType: string;
  readonly reason: string;
  readonly requestedAt: string;
  /** http: the MES's id of the hold, and its status word, when it answered them. */
  readonly holdId?: string;
  readonly mesStatus?: string;
  /** http: the MES said the lot is already on hold (409); the hold stands, which is what was asked. */
  readonly alreadyOnHold?: boolean;
  /** mqtt: where the command went, and its CloudEvent id (the same on every retry of the step). */
  readonly topic?: string;
  readonly commandId?: string;
}

const IDENTIFIER = /^\S(.*\S)?$/;

/** The lot id and reason from their expressions' values, or a DataError naming what is wrong. */
export function holdFields(
  values: { lotId: unknown; reason: unknown },
  expressions: { lotId: string; reason: string },
): { lotId: string; reason: string } {
  const problems: Array<{ field: string; expression: string; message: string }> = [];
  const lotId = ref(values.lotId);
  if (lotId === undefined)
    problems.push({ field: 'lotId', expression: expressions.lotId, message: 'is required but missing' });
  else if (
    typeof lotId !== 'string' ||
    !IDENTIFIER.test(lotId) ||
    lotId.length > 128 ||
    lotId === '.' ||
    lotId === '..'
  )
    problems.push({
      field: 'lotId',
      expression: expressions.lotId,
      message: `must be a lot id of 1 to 128 characters without leading or trailing spaces; got ${JSON.stringify(lotId)}`,
    });
  const reason = values.reason;
  if (reason === null || reason === undefined || reason === '')
    problems.push({ field: 'reason', expression: expressions.reason, message: 'is required but missing' });
  else if (typeof reason !== 'string' || reason.length > 4000)
    problems.push({
      field: 'reason',
      expression: expressions.reason,
      message: 'must be text of at most 4000 characters',
    });
  if (problems.length > 0) {
    throw new DataError(
      'MES_INPUT_INVALID',
      `mes.send-hold: the hold cannot be sent for this message: ${problems.map((p) => `${p.field} (${p.expression}) ${p.message}`).join('; ')}.`,
      { details: { problems } },
    );
  }
  return { lotId: lotId as string, reason: reason as string };
}
