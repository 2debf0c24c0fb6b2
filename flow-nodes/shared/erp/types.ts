import type { InspectionLot, ProductionOrder } from '@millrace/canonical';
import type { MovementKind, StockByType } from './stock-decision.ts';

/**
 * The vendor-neutral side of the ERP business nodes. A node turns its config into one of the
 * requests below, hands it to the adapter of the bound connection and gets canonical objects
 * (or plain neutral facts) back; service paths, entity sets, field names, movement types and
 * padded ids are the adapter's business alone. Adding an ERP means adding an adapter and a line
 * in `erpAdapterFor`, not touching the nodes.
 */

export interface CallOptions {
  readonly signal: AbortSignal;
  /** Per request; the connection's timeout is the ceiling. */
  readonly timeoutMs?: number;
  readonly now: () => Date;
  /** The step's key, sent as Idempotency-Key on writes where the protocol allows a header. */
  readonly idempotencyKey?: string;
}

/** A lot of a material in a plant, as the ERP knows it (an SAP batch). */
export interface LotKey {
  readonly material: string;
  readonly plant: string;
  readonly batch: string;
  /** Where the lot is stored; undefined lets the adapter find the one place that holds it. */
  readonly storageLocation?: string;
}

export interface LotStock {
  /** The storage location the quantities are for; undefined when the lot has no stock at all. */
  readonly storageLocation: string | undefined;
  /** The unit of the quantities (the material's base unit), or undefined without stock. */
  readonly uom: string | undefined;
  /** Decimal strings in `uom`; "0" for a type that holds nothing. */
  readonly byType: StockByType;
}

/** A transfer posting the ERP holds: its document and what it moved. */
export interface PostedTransfer {
  readonly document: { readonly year: string; readonly number: string; readonly item?: string };
  readonly movement: MovementKind;
  /** The vendor's own code for the movement (SAP movement type 350). */
  readonly vendorMovement: string;
  readonly quantity: string;
  readonly uom: string;
  readonly storageLocation: string;
  readonly postedAt?: string;
}

export interface TransferRequest {
  readonly lot: Required<LotKey>;
  readonly movement: MovementKind;
  readonly quantity: string;
  readonly uom: string;
  readonly reasonCode?: string;
  /**
   * A short marker derived from the step's idempotency key, stored on the document so that a
   * later attempt can find the posting this step made (ERP postings take no idempotency key).
   */
  readonly marker: string;
  /** For people reading the document in the ERP: which run and step posted it. */
  readonly note: string;
}

export interface InspectionLotFacts {
  /** The canonical form of the lot, without its state and usage decision (the node adds them). */
  readonly lot: Omit<InspectionLot, 'status' | 'usageDecision'>;
}

export interface RecordedDecision {
  readonly code: string;
  readonly codeGroup?: string;
  readonly valuation: 'accepted' | 'rejected';
  readonly followUpAction?: string;
  readonly qualityScore?: number;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
}

export interface DecisionRequest {
  readonly inspectionLot: string;
  readonly code: string;
  readonly codeGroup?: string;
  readonly selectedSet?: string;
  readonly codeSetPlant?: string;
  readonly valuation: 'accepted' | 'rejected';
  readonly followUpAction?: string;
  readonly qualityScore?: number;
}

export interface ErpAdapter {
  /** For messages, logs and externalRefs: which ERP answered, such as "sap:erp.example.com/100". */
  readonly system: string;
  /** The order, or undefined when the ERP has no order with this number. */
  readOrder(orderNumber: string, options: CallOptions): Promise<ProductionOrder | undefined>;
  readLotStock(lot: LotKey, options: CallOptions): Promise<LotStock>;
  /** The transfer posting carrying `marker` for this lot, if an earlier attempt made one. */
  findTransfer(marker: string, lot: LotKey, options: CallOptions): Promise<PostedTransfer | undefined>;
  postTransfer(request: TransferRequest, options: CallOptions): Promise<PostedTransfer>;
  readInspectionLot(inspectionLot: string, options: CallOptions): Promise<InspectionLotFacts | undefined>;
  readUsageDecision(inspectionLot: string, options: CallOptions): Promise<RecordedDecision | undefined>;
  recordUsageDecision(request: DecisionRequest, options: CallOptions): Promise<RecordedDecision>;
}
