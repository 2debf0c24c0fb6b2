import type { SimContext } from '../core/index.ts';
import type { EventBus } from './events.ts';
import { emptyState, restoreState, type ErpState } from './store.ts';

/** The resolved options of one ERP simulator. */
export interface ErpConfig {
  readonly sapClient: string;
  readonly systemId: string;
  readonly tenant: string;
  readonly csrf: boolean;
  readonly csrfTtlMinutes: number;
  readonly pageSize: number;
  readonly autoPostOnUsageDecision: boolean;
  /** Plants whose origin-04 lots carry no characteristics (the QMS holds the results). */
  readonly resultsInQms: readonly string[];
}

/** Simulator behaviours that can be switched at run time (PUT /__sim/modes). */
export interface ErpModes {
  /** API_INSPECTIONLOT_SRV answers ManufacturingOrder padded to 12 digits (000001000123), the order service does not. */
  leadingZeros: boolean;
}

/**
 * What the services and business rules share: the store, the clock, events, and transactions.
 * A transaction snapshots the store and holds events back; when it fails the store is put back
 * and its events are never sent, so a refused posting or a failed $batch change set leaves no trace.
 */
export class ErpSim {
  readonly state: ErpState = emptyState();
  readonly modes: ErpModes = { leadingZeros: false };
  private depth = 0;
  private held: Array<{ type: string; data: Record<string, string> }> = [];
  /** Seeding is silent: 200 seeded lots must not flood the webhooks. */
  silent = false;

  constructor(
    readonly ctx: SimContext,
    readonly config: ErpConfig,
    readonly events: EventBus,
  ) {}

  now(): number {
    return this.ctx.clock.now();
  }

  /** A change timestamp that is strictly later than the last one, so every change gets a new ETag. */
  touch(): number {
    const at = Math.max(this.now(), this.state.lastChange + 1);
    this.state.lastChange = at;
    return at;
  }

  tx<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    const snapshot = structuredClone(this.state);
    this.depth++;
    try {
      const result = fn();
      const events = this.held;
      this.held = [];
      this.depth--;
      for (const e of events) this.events.emit(e.type, e.data);
      return result;
    } catch (thrown) {
      this.held = [];
      this.depth--;
      restoreState(this.state, snapshot);
      throw thrown;
    }
  }

  /** A business event, sent when the surrounding transaction commits. */
  emit(type: string, data: Record<string, string>): void {
    if (this.silent) return;
    if (this.depth > 0) this.held.push({ type, data });
    else this.events.emit(type, data);
  }

  reset(): void {
    restoreState(this.state, emptyState());
    this.state.counters.lots = {};
    this.state.counters.order = {};
  }
}
