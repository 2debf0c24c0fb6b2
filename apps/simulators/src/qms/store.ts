import { ENTITIES, ENTITY_NAMES, type EntityName } from './entities.ts';

/**
 * The QMS simulator's in-memory state. Everything a test may want to assert on is here and
 * `snapshot()` returns it as plain JSON (the `/__sim/store` view).
 */

/** A stored record: the client's fields plus what the QMS owns. */
export interface Rec {
  id: string;
  state: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly entityType: EntityName;
  readonly entityId: string;
  readonly action: string;
  readonly userId: string;
  readonly clientId: string;
  readonly revision: number;
  readonly fromState?: string;
  readonly toState?: string;
  readonly changes?: ReadonlyArray<{ field: string; from: unknown; to: unknown }>;
  readonly reason?: string;
  readonly signature?: unknown;
}

export interface QmsEvent {
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly sequence: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface Subscription {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly secret: string;
  readonly createdAt: string;
}

export interface Delivery {
  readonly deliveryId: string;
  readonly subscriptionId: string;
  readonly url: string;
  readonly eventId: string;
  readonly type: string;
  /** 'duplicate' | 'out-of-order' | 'drop' | 'schema-drift' | 'delay' when a fault rule fired. */
  readonly fault?: string;
  /** The second copy of a duplicated event. */
  readonly copy?: number;
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  deliveredAt?: string;
}

export interface Decision {
  readonly inspectionId: string;
  readonly lotId: unknown;
  readonly decision: string;
  readonly valuation: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly robot: boolean;
}

export interface User {
  readonly id: string;
  readonly name: string;
  readonly password: string;
  readonly canSign: boolean;
  readonly scopes: readonly string[];
}

/** A tenant rule: a record entering `state` must carry `fields` (schema drift by configuration). */
export interface RequiredFieldRule {
  readonly collection: string;
  readonly state: string;
  readonly fields: readonly string[];
  /** Only for quality events of this kind (deviation, nonconformance, …). */
  readonly kind?: string;
}

export interface IdempotencyEntry {
  readonly bodyKey: string;
  recordId?: string;
  done: boolean;
}

export class QmsStore {
  records = emptyRecords();
  /** Superseded inspection spec versions, oldest first. */
  specHistory: Rec[] = [];
  audit: AuditEntry[] = [];
  events: QmsEvent[] = [];
  deliveries: Delivery[] = [];
  decisions: Decision[] = [];
  subscriptions = new Map<string, Subscription>();
  users = new Map<string, User>();
  idempotency = new Map<string, IdempotencyEntry>();
  requiredFields: RequiredFieldRule[] = [];
  /** Result ids (MES tag paths) → spec characteristic ids. */
  characteristicAliases: Record<string, string> = {};
  private counters = new Map<string, number>();

  reset(): void {
    this.records = emptyRecords();
    this.specHistory = [];
    this.audit = [];
    this.events = [];
    this.deliveries = [];
    this.decisions = [];
    this.subscriptions.clear();
    this.users.clear();
    this.idempotency.clear();
    this.requiredFields = [];
    this.characteristicAliases = {};
    this.counters.clear();
  }

  /** The next number in a sequence: ids are `INS-000001`, numbers `INS-2026-0001`. */
  next(sequence: string): number {
    const n = (this.counters.get(sequence) ?? 0) + 1;
    this.counters.set(sequence, n);
    return n;
  }

  nextId(prefix: string): string {
    return `${prefix}-${String(this.next(prefix)).padStart(6, '0')}`;
  }

  /** Make sure generated ids never collide with ids seeded from outside. */
  bumpPast(prefix: string, id: string): void {
    const m = new RegExp(`^${prefix}-(\\d+)$`).exec(id);
    if (m && Number(m[1]) > (this.counters.get(prefix) ?? 0)) this.counters.set(prefix, Number(m[1]));
  }

  all(entity: EntityName): Rec[] {
    return [...this.records[entity].values()];
  }

  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of ENTITY_NAMES) out[ENTITIES[name].storeKey] = clone(this.all(name));
    return {
      ...out,
      inspectionSpecHistory: clone(this.specHistory),
      decisions: clone(this.decisions),
      auditTrail: clone(this.audit),
      users: [...this.users.values()].map(({ password: _p, ...u }) => u),
      requiredFields: clone(this.requiredFields),
      characteristicAliases: { ...this.characteristicAliases },
      webhooks: {
        subscriptions: clone([...this.subscriptions.values()]),
        events: clone(this.events),
        deliveries: clone(this.deliveries),
      },
    };
  }
}

function emptyRecords(): Record<EntityName, Map<string, Rec>> {
  return Object.fromEntries(ENTITY_NAMES.map((n) => [n, new Map<string, Rec>()])) as Record<
    EntityName,
    Map<string, Rec>
  >;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
