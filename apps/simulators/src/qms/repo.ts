import { allowedNext, canTransition, STATE_MACHINES } from '@millrace/canonical';
import type { VirtualClock } from '../core/index.ts';
import { ENTITIES, type EntityName } from './entities.ts';
import { ApiError, badRequest, notFound, requiredMissing } from './errors.ts';
import type { QmsStore, Rec } from './store.ts';
import type { Json } from './validate.ts';

/** Who did it, for the audit trail. */
export interface Actor {
  readonly userId: string;
  readonly clientId: string;
}

export type Emit = (type: string, data: Json) => void;

/**
 * Every change to a record goes through here, so each one bumps the revision, lands in the
 * audit trail and emits its webhook event in the same step: a record can never change without
 * a trace (21 CFR 11.10(e)), and a poll with updatedSince always sees what an event announced.
 */
export class Repo {
  constructor(
    readonly store: QmsStore,
    readonly clock: VirtualClock,
    private readonly emit: Emit,
  ) {}

  now(): string {
    return this.clock.iso();
  }

  get(entity: EntityName, id: string): Rec {
    const rec = this.store.records[entity].get(id);
    if (!rec) throw notFound(ENTITIES[entity].what, id);
    return rec;
  }

  /** `If-Match: "rev-7"` (also rev-7, W/"rev-7", 7, *) against the record's revision. */
  checkRevision(rec: Rec, ifMatch: string | string[] | undefined, required = false): void {
    const header = Array.isArray(ifMatch) ? ifMatch[0] : ifMatch;
    if (header === undefined || header.trim() === '') {
      if (required)
        throw new ApiError(428, 'PRECONDITION_REQUIRED', `send If-Match: "rev-${rec.revision}" to change ${rec.id}`, {
          currentRevision: rec.revision,
        });
      return;
    }
    if (header.trim() === '*') return;
    const m = /^(?:W\/)?"?(?:rev-)?(\d+)"?$/.exec(header.trim());
    if (!m) throw badRequest('INVALID_IF_MATCH', `If-Match must look like "rev-${rec.revision}"`, { ifMatch: header });
    if (Number(m[1]) !== rec.revision)
      throw new ApiError(
        412,
        'REVISION_MISMATCH',
        `${rec.id} is at revision ${rec.revision}, not ${m[1]}: someone changed it; read it again`,
        { currentRevision: rec.revision, expectedRevision: Number(m[1]) },
        { etag: etag(rec) },
      );
  }

  /** Tenant rules plus built-in ones: the fields a record must carry in `state`. */
  checkRequired(entity: EntityName, rec: Json, state: string, builtIn: readonly string[] = []): void {
    const collection = ENTITIES[entity].collection;
    const fields = new Set(builtIn);
    for (const rule of this.store.requiredFields) {
      if (rule.collection !== collection || rule.state !== state) continue;
      if (rule.kind !== undefined && rule.kind !== rec.kind) continue;
      for (const f of rule.fields) fields.add(f);
    }
    const missing = [...fields].filter((f) => rec[f] === undefined || rec[f] === null || rec[f] === '');
    if (missing.length > 0)
      throw requiredMissing(missing, `${article(ENTITIES[entity].what)} in state "${state}" (tenant configuration)`);
  }

  insert(
    entity: EntityName,
    fields: Json,
    actor: Actor,
    opts: { id?: string; number?: string; state?: string; event?: string | false; eventData?: Json } = {},
  ): Rec {
    const info = ENTITIES[entity];
    const state = opts.state ?? STATE_MACHINES[info.machine].initial;
    this.checkRequired(entity, fields, state);
    const at = this.now();
    const id = opts.id ?? this.store.nextId(info.idPrefix);
    const rec: Rec = {
      id,
      ...(opts.number ? { number: opts.number } : {}),
      ...fields,
      state,
      revision: 1,
      createdAt: at,
      createdBy: actor.userId,
      updatedAt: at,
      updatedBy: actor.userId,
    };
    this.store.records[entity].set(id, rec);
    this.log(entity, rec, actor, { action: 'create', toState: state });
    if (opts.event !== false)
      this.emitFor(entity, rec, opts.event ?? `${entity}.${CREATED_VERB[entity]}`, opts.eventData);
    return rec;
  }

  /** Changes fields (no state change); nothing happens when nothing differs. */
  update(
    entity: EntityName,
    rec: Rec,
    changes: Json,
    actor: Actor,
    opts: { action?: string; event?: string | false; eventData?: Json } = {},
  ): Rec {
    const diffs = diff(rec, changes);
    if (diffs.length === 0) return rec;
    Object.assign(rec, changes);
    this.touch(rec, actor);
    this.log(entity, rec, actor, { action: opts.action ?? 'update', changes: diffs });
    if (opts.event !== false) this.emitFor(entity, rec, opts.event ?? `${entity}.updated`, opts.eventData);
    return rec;
  }

  /**
   * Moves a record to `to` along its canonical state machine; 409 with the allowed next states
   * when the machine forbids it. `changes` are applied in the same revision (a disposition
   * with its value, a cancellation with its reason).
   */
  move(
    entity: EntityName,
    rec: Rec,
    to: string,
    actor: Actor,
    opts: {
      action?: string;
      changes?: Json;
      required?: readonly string[];
      reason?: string;
      signature?: unknown;
      event?: string | false;
      eventData?: Json;
      /** The instant of the change, when the changes were computed from it (due dates). */
      at?: string;
    } = {},
  ): Rec {
    assertTransition(entity, rec, to);
    const merged = { ...rec, ...opts.changes };
    this.checkRequired(entity, merged, to, opts.required);
    const from = rec.state;
    const diffs = diff(rec, opts.changes ?? {});
    Object.assign(rec, opts.changes, { state: to });
    this.touch(rec, actor, opts.at);
    this.log(entity, rec, actor, {
      action: opts.action ?? `transition:${to}`,
      fromState: from,
      toState: to,
      ...(diffs.length > 0 ? { changes: diffs } : {}),
      ...(opts.reason ? { reason: opts.reason } : {}),
      ...(opts.signature ? { signature: opts.signature } : {}),
    });
    if (opts.event !== false)
      this.emitFor(entity, rec, opts.event ?? `${entity}.${to}`, { previousState: from, ...opts.eventData });
    return rec;
  }

  emitFor(entity: EntityName, rec: Rec, type: string, extra: Json = {}): void {
    const data: Json = { id: rec.id };
    if (rec.number !== undefined) data.number = rec.number;
    for (const f of ENTITIES[entity].keyFields) if (rec[f] !== undefined) data[f] = rec[f];
    Object.assign(data, { state: rec.state, revision: rec.revision, updatedAt: rec.updatedAt }, extra);
    this.emit(type, data);
  }

  log(
    entity: EntityName,
    rec: Rec,
    actor: Actor,
    what: {
      action: string;
      fromState?: string;
      toState?: string;
      changes?: Array<{ field: string; from: unknown; to: unknown }>;
      reason?: string;
      signature?: unknown;
    },
  ): void {
    this.store.audit.push({
      id: this.store.nextId('AUD'),
      at: this.now(),
      entityType: entity,
      entityId: rec.id,
      userId: actor.userId,
      clientId: actor.clientId,
      revision: rec.revision,
      ...what,
    });
  }

  private touch(rec: Rec, actor: Actor, at?: string): void {
    rec.revision += 1;
    rec.updatedAt = at ?? this.now();
    rec.updatedBy = actor.userId;
  }
}

/** The event a create emits: the record's first state in words (quality_event.opened, …). */
const CREATED_VERB: Record<EntityName, string> = {
  inspection: 'created',
  inspection_spec: 'created',
  quality_event: 'opened',
  capa: 'initiated',
  supplier_case: 'created',
  release: 'created',
};

export function assertTransition(entity: EntityName, rec: Rec, to: string, extra: Json = {}): void {
  const machine = ENTITIES[entity].machine;
  if (canTransition(machine, rec.state, to)) return;
  const allowedNextStates = allowedNext(machine, rec.state);
  throw new ApiError(
    409,
    'ILLEGAL_TRANSITION',
    `${ENTITIES[entity].what} ${rec.id} cannot move from "${rec.state}" to "${to}"; allowed next states: ${
      allowedNextStates.join(', ') || 'none'
    }`,
    { currentState: rec.state, requestedState: to, allowedNextStates, ...extra },
  );
}

export function etag(rec: Rec): string {
  return `"rev-${rec.revision}"`;
}

function diff(rec: Rec, changes: Json): Array<{ field: string; from: unknown; to: unknown }> {
  return Object.entries(changes)
    .filter(([k, v]) => JSON.stringify(rec[k]) !== JSON.stringify(v))
    .map(([field, to]) => ({ field, from: rec[field], to }));
}

/** "an inspection", "a CAPA". */
export function article(what: string): string {
  return `${/^[aeio]/.test(what) ? 'an' : 'a'} ${what}`;
}
