import type { Logger } from '@millrace/node-sdk';
import type { Capa, InspectionLot, QualityEvent, Quantity, VersionedRef } from '@millrace/canonical';

/**
 * The vendor-neutral side of the QMS business nodes. A node builds one of the requests below
 * from canonical fields, hands it to the adapter of the bound connection and gets a canonical
 * object back; what goes over the wire (paths, field names, states, error bodies) is the
 * adapter's business alone. Adding a QMS vendor means adding an adapter and a line in
 * `qmsAdapterFor`, not touching the nodes.
 */

export interface InspectionRequest {
  readonly lotId: string;
  readonly origin: InspectionLot['origin'];
  readonly materialId?: string;
  readonly productionOrderId?: string;
  readonly plantId?: string;
  readonly quantity?: Quantity;
  readonly specRef?: VersionedRef;
}

export interface QualityEventRequest {
  readonly kind: QualityEvent['kind'];
  readonly description: string;
  readonly classification?: NonNullable<QualityEvent['classification']>;
  readonly source?: NonNullable<QualityEvent['source']>;
  readonly title?: string;
  readonly affectedLots?: readonly string[];
  readonly affectedOrders?: readonly string[];
  readonly affectedMaterials?: readonly string[];
  readonly equipmentId?: string;
  readonly ownerId?: string;
  readonly dueAt?: string;
  /** The sender's key for the record: the QMS refuses a second record with it (409). */
  readonly externalId: string;
}

export interface CapaRequest {
  readonly type: Capa['type'];
  readonly problemStatement: string;
  /** The QMS's own ids of the quality events the CAPA answers. */
  readonly sourceEventIds?: readonly string[];
  readonly ownerId?: string;
  readonly dueAt?: string;
  readonly externalId: string;
}

export interface CallOptions {
  /** The step's key: sent as Idempotency-Key, the same on every attempt and replay. */
  readonly idempotencyKey: string;
  readonly signal: AbortSignal;
  readonly now: () => Date;
  readonly log: Logger;
}

/** A record the QMS holds after the call, as a canonical object. */
export interface Created<T> {
  readonly record: T;
  /** The QMS's own id of the record. */
  readonly qmsId: string;
  /**
   * `created` when this call (or an earlier attempt with the same key) made it; `existing`
   * when the QMS already held the same record under its natural key.
   */
  readonly outcome: 'created' | 'existing';
}

export interface QmsAdapter {
  /** For messages and logs: which adapter answered. */
  readonly vendor: string;
  createInspection(request: InspectionRequest, options: CallOptions): Promise<Created<InspectionLot>>;
  openQualityEvent(request: QualityEventRequest, options: CallOptions): Promise<Created<QualityEvent>>;
  openCapa(request: CapaRequest, options: CallOptions): Promise<Created<Capa>>;
}
