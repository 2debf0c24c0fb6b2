import type { SimContext } from '../core/index.ts';
import type { RetainedState } from './state.ts';
import type { Hold, MesStore } from './store.ts';

export interface HoldInput {
  readonly lotId: string;
  readonly reason: string;
  readonly holdType: string;
  readonly requestedBy?: string;
  readonly runId?: string;
  readonly via: 'http' | 'mqtt';
  readonly commandId?: string;
}

export type HoldOutcome =
  | { readonly kind: 'placed'; readonly hold: Hold }
  | { readonly kind: 'unknown-lot' }
  | { readonly kind: 'already'; readonly hold: Hold };

const HOLD_TYPE = /^[a-z][a-z0-9_-]{0,39}$/;

/**
 * Checks a hold request body (the mes.send-hold contract: `{ lotId, reason, holdType,
 * requestedBy, runId }`). Returns the problems as `{ status, code, message, fields }`: 422
 * REQUIRED_FIELD_MISSING for a missing reason, 400 for wrong types or a lot id that disagrees
 * with the path.
 */
export function checkHoldBody(
  body: unknown,
  pathLotId: string,
):
  | { ok: true; reason: string; holdType: string; requestedBy?: string; runId?: string }
  | { ok: false; status: number; code: string; message: string; fields: string[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, status: 400, code: 'BAD_REQUEST', message: 'send the hold as a JSON object', fields: [] };
  const b = body as Record<string, unknown>;
  if (typeof b.reason !== 'string' || b.reason.trim() === '')
    return {
      ok: false,
      status: 422,
      code: 'REQUIRED_FIELD_MISSING',
      message: 'a hold needs a reason the shop floor can read',
      fields: ['reason'],
    };
  const holdType = b.holdType ?? 'quality';
  if (typeof holdType !== 'string' || !HOLD_TYPE.test(holdType))
    return {
      ok: false,
      status: 400,
      code: 'INVALID_FIELD',
      message: 'holdType must be a lower-case code such as "quality" or "deviation"',
      fields: ['holdType'],
    };
  if (b.lotId !== undefined && b.lotId !== pathLotId)
    return {
      ok: false,
      status: 400,
      code: 'LOT_MISMATCH',
      message: `the body names lot ${String(b.lotId)}, the path ${pathLotId}`,
      fields: ['lotId'],
    };
  for (const f of ['requestedBy', 'runId'] as const)
    if (b[f] !== undefined && typeof b[f] !== 'string')
      return { ok: false, status: 400, code: 'INVALID_FIELD', message: `${f} must be a string`, fields: [f] };
  return {
    ok: true,
    reason: b.reason.trim(),
    holdType,
    ...(typeof b.requestedBy === 'string' ? { requestedBy: b.requestedBy } : {}),
    ...(typeof b.runId === 'string' ? { runId: b.runId } : {}),
  };
}

/** Puts a lot on hold: one active hold per lot; the lot's retained state shows it. */
export async function placeHold(
  input: HoldInput,
  deps: { store: MesStore; state: RetainedState; ctx: SimContext },
): Promise<HoldOutcome> {
  const { store } = deps;
  const record = store.batches.get(input.lotId);
  if (!record) return { kind: 'unknown-lot' };
  const active = store.activeHold(input.lotId);
  if (active) return { kind: 'already', hold: active };
  const hold: Hold = {
    holdId: store.nextHoldId(),
    lotId: input.lotId,
    holdType: input.holdType,
    reason: input.reason,
    ...(input.requestedBy ? { requestedBy: input.requestedBy } : {}),
    ...(input.runId ? { runId: input.runId } : {}),
    via: input.via,
    ...(input.commandId ? { commandId: input.commandId } : {}),
    status: 'active',
    createdAt: deps.ctx.clock.iso(),
  };
  store.holds.set(hold.holdId, hold);
  record.holds.push(hold.holdId);
  record.statusBeforeHold = record.status;
  record.status = 'on_hold';
  await deps.state.lot(record);
  return { kind: 'placed', hold };
}

export async function releaseHold(
  hold: Hold,
  deps: { store: MesStore; state: RetainedState; ctx: SimContext },
): Promise<void> {
  if (hold.status !== 'active') return;
  hold.status = 'released';
  hold.releasedAt = deps.ctx.clock.iso();
  const record = deps.store.batches.get(hold.lotId);
  if (record) {
    record.status = record.statusBeforeHold ?? 'completed';
    delete record.statusBeforeHold;
    await deps.state.lot(record);
  }
}

/** The answer body for a hold, as mes.send-hold reads it (`holdId`, `status`). */
export function holdBody(h: Hold) {
  return {
    holdId: h.holdId,
    status: h.status,
    lotId: h.lotId,
    holdType: h.holdType,
    reason: h.reason,
    ...(h.requestedBy ? { requestedBy: h.requestedBy } : {}),
    createdAt: h.createdAt,
    ...(h.releasedAt ? { releasedAt: h.releasedAt } : {}),
  };
}

/**
 * The hold as an MQTT command (mes.send-hold over mqtt): a CloudEvent `mes.hold.requested.v1`
 * on `…/mes/commands/hold`. QoS 1 may bring it twice: a command id seen before is ignored.
 * Returns what happened, for the log.
 */
export async function holdFromCommand(
  text: string,
  deps: { store: MesStore; state: RetainedState; ctx: SimContext },
): Promise<string> {
  let event: { id?: unknown; type?: unknown; data?: unknown };
  try {
    event = JSON.parse(text) as typeof event;
  } catch {
    return 'ignored: not JSON';
  }
  if (typeof event !== 'object' || event === null || typeof event.id !== 'string') return 'ignored: no event id';
  if (deps.store.seenCommands.has(event.id)) return 'ignored: seen before';
  const data = event.data as { lotId?: unknown } | undefined;
  const lotId = typeof data?.lotId === 'string' ? data.lotId : '';
  const checked = checkHoldBody(data, lotId);
  if (!checked.ok) return `refused: ${checked.message}`;
  deps.store.seenCommands.add(event.id);
  const outcome = await placeHold(
    {
      lotId,
      reason: checked.reason,
      holdType: checked.holdType,
      ...(checked.requestedBy ? { requestedBy: checked.requestedBy } : {}),
      ...(checked.runId ? { runId: checked.runId } : {}),
      via: 'mqtt',
      commandId: event.id,
    },
    deps,
  );
  return outcome.kind;
}
