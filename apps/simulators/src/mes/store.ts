import type { BatchCompletion, ConsumptionLine } from '@millrace/canonical';
import type { PlanCounters } from './plan.ts';
import type { LotTruth, ScenarioResult } from './types.ts';

/** An order the MES knows: downloaded over REST or created by a scenario. */
export interface MesOrder {
  readonly orderNumber: string;
  readonly orderType: string;
  readonly materialId: string;
  readonly plantId: string;
  readonly plannedQty: { readonly value: string; readonly unit: string };
  readonly line: string;
  readonly topicBase: string;
  readonly mesJobId: string;
  readonly plannedStart?: string;
  readonly plannedEnd?: string;
  readonly productionVersion?: string;
  readonly erpBatch?: string;
  readonly source: 'rest' | 'scenario' | 'seed';
  status: 'received' | 'in_execution' | 'completed';
  lots: string[];
  readonly receivedAt: string;
  updatedAt: string;
  readonly eventId: string;
}

export interface Hold {
  readonly holdId: string;
  readonly lotId: string;
  readonly holdType: string;
  readonly reason: string;
  readonly requestedBy?: string;
  readonly runId?: string;
  readonly via: 'http' | 'mqtt';
  readonly commandId?: string;
  status: 'active' | 'released';
  readonly createdAt: string;
  releasedAt?: string;
}

export type LotStatus = 'in_process' | 'completed' | 'on_hold';

/** The batch record (EBR) of one produced lot. */
export interface BatchRecord {
  readonly lotId: string;
  readonly erpBatch: string;
  readonly batchId: string;
  readonly orderNumber: string;
  readonly materialId: string;
  readonly plantId: string;
  readonly hierarchyScope: string;
  readonly topicBase: string;
  status: LotStatus;
  /** The status before the hold, to return to when it is released. */
  statusBeforeHold?: LotStatus;
  readonly startTime: string;
  endTime?: string;
  consumption: ConsumptionLine[];
  /** The BatchCompletion as the MES recorded it (also when the published event was malformed). */
  completion?: BatchCompletion;
  holds: string[];
  eventIds: string[];
  readonly runId?: string;
}

export interface Webhook {
  readonly id: string;
  readonly url: string;
  /** Event names (batch-completed …); empty = all. */
  readonly events: readonly string[];
  readonly createdAt: string;
  deliveries: number;
  failures: number;
}

/** Everything the MES simulator holds; `snapshot()` is what `/__sim/store` shows. */
export class MesStore {
  readonly orders = new Map<string, MesOrder>();
  readonly batches = new Map<string, BatchRecord>();
  readonly holds = new Map<string, Hold>();
  /** Idempotency-Key → the request's body (stable JSON) and the first answer. */
  readonly holdKeys = new Map<string, { body: string; status: number; answer: unknown }>();
  /** MQTT hold command ids already applied (QoS 1 may deliver a command twice). */
  readonly seenCommands = new Set<string>();
  /** MQTT hold commands received and what became of them. */
  readonly commands: Array<{ at: string; topic: string; result: string }> = [];
  readonly webhooks = new Map<string, Webhook>();
  readonly runs: ScenarioResult[] = [];
  /** Ground truth of batches run for single orders (POST /__sim/orders/:id/run). */
  readonly orderRuns: LotTruth[] = [];
  /** Retained topics published, so a reset (or close) can clear them from the broker. */
  readonly retainedTopics = new Set<string>();
  counters = { runs: 0, orders: 0, lots: 0, holds: 0, webhooks: 0 };

  planCounters(): PlanCounters {
    return { runs: this.counters.runs, orders: this.counters.orders, lots: this.counters.lots };
  }

  nextHoldId(): string {
    return `H-${String(++this.counters.holds).padStart(4, '0')}`;
  }

  activeHold(lotId: string): Hold | undefined {
    return this.batches
      .get(lotId)
      ?.holds.map((id) => this.holds.get(id)!)
      .find((h) => h.status === 'active');
  }

  reset(): void {
    this.orders.clear();
    this.batches.clear();
    this.holds.clear();
    this.holdKeys.clear();
    this.seenCommands.clear();
    this.commands.length = 0;
    this.webhooks.clear();
    this.runs.length = 0;
    this.orderRuns.length = 0;
    this.counters = { runs: 0, orders: 0, lots: 0, holds: 0, webhooks: 0 };
  }

  snapshot() {
    return {
      counters: this.counters,
      orders: [...this.orders.values()],
      batches: [...this.batches.values()],
      holds: [...this.holds.values()],
      commands: this.commands,
      webhooks: [...this.webhooks.values()],
      // The ground truth of every scenario run, newest last.
      runs: this.runs,
      orderRuns: this.orderRuns,
    };
  }
}
