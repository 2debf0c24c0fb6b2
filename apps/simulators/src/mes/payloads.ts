import type { BatchCompletion, MaterialConsumption, QualityEvent } from '@millrace/canonical';
import type { ParameterSpec, PlannedBatch, Qty } from './types.ts';
import { sha256, stableJson } from './util.ts';

/**
 * The UNS business events of one batch, as CloudEvents 1.0 whose `data` is the canonical payload
 * (BatchCompletion, MaterialConsumption, QualityEvent for a deviation). order-received and
 * batch-started have no canonical type; they use MES-own types of the same form.
 */
export const EVENT_TYPES = {
  'order-received': 'mes.order.received.v1',
  'batch-started': 'mes.batch.started.v1',
  'material-consumed': 'mes.material.consumed.v1',
  'batch-completed': 'mes.batch.completed.v1',
  'deviation-raised': 'mes.deviation.raised.v1',
} as const;
export type EventName = keyof typeof EVENT_TYPES;

export interface CloudEventOut {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  correlationid?: string;
  sequence?: string;
  data: unknown;
}

/** SAP's KG is UN/CEFACT KGM in canonical payloads. */
export function canonicalQty(q: Qty): { value: string; uom: string } {
  return { value: q.value, uom: q.unit === 'KG' ? 'KGM' : q.unit };
}

export function envelope(
  name: EventName,
  id: string,
  source: string,
  time: string,
  subject: string,
  correlationId: string,
  data: unknown,
): CloudEventOut {
  return {
    specversion: '1.0',
    id,
    source,
    type: EVENT_TYPES[name],
    time,
    subject,
    datacontenttype: 'application/json',
    correlationid: correlationId,
    data,
  };
}

/** The event times of a batch: it ends at `end`, started `durationMinutes` before. */
export interface BatchTimes {
  readonly start: string;
  readonly consumed: readonly string[];
  readonly deviation: string;
  readonly end: string;
}

export function batchTimes(b: PlannedBatch, endMs: number): BatchTimes {
  const startMs = endMs - b.durationMinutes * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    start: iso(startMs),
    consumed: b.components.map((_, i) => iso(startMs + (i + 1) * 12 * 60_000)),
    deviation: iso(endMs - 45 * 60_000),
    end: iso(endMs),
  };
}

export function orderReceivedData(b: PlannedBatch, at: string) {
  return {
    productionOrderId: b.orderNumber,
    orderNumber: b.orderNumber,
    orderType: b.orderType,
    materialId: b.materialId,
    plantId: b.plant,
    plannedQty: canonicalQty(b.plannedQuantity),
    mesJobId: b.batchId,
    line: b.line,
    receivedAt: at,
  };
}

export function batchStartedData(b: PlannedBatch, at: string) {
  return {
    productionOrderId: b.orderNumber,
    mesJobId: b.batchId,
    lotId: b.lotId,
    erpBatch: b.erpBatch,
    materialId: b.materialId,
    plantId: b.plant,
    hierarchyScope: hierarchyScope(b),
    startedAt: at,
  };
}

export function consumptionData(b: PlannedBatch, i: number, at: string): MaterialConsumption {
  const c = b.components[i]!;
  return {
    productionOrderId: b.orderNumber,
    mesJobId: b.batchId,
    lotId: c.lotId,
    materialId: c.materialId,
    qty: canonicalQty(c.quantity),
    materialUse: 'consumed',
    phase: c.phase,
    equipmentId: c.equipmentId,
    consumedAt: at,
  };
}

export function deviationData(b: PlannedBatch, spec: ParameterSpec, value: string, at: string): QualityEvent {
  const limits = [
    spec.lower === undefined ? undefined : `≥ ${spec.lower}`,
    spec.upper === undefined ? undefined : `≤ ${spec.upper}`,
  ]
    .filter(Boolean)
    .join(' and ');
  return {
    id: b.eventIds.deviationRaised!,
    schemaVersion: 1,
    kind: 'deviation',
    classification: spec.critical ? 'major' : 'minor',
    source: 'mes',
    title: `${spec.id} out of limits in batch ${b.batchId}`,
    description: `${spec.id} was ${value} ${spec.uom} during ${spec.phase} on ${spec.equipmentId}; the limits are ${limits}.`,
    affectedLots: [b.lotId],
    affectedOrders: [b.orderNumber],
    affectedMaterials: [b.materialId],
    equipmentId: spec.equipmentId,
    openedAt: at,
    status: 'opened',
  };
}

export function completionData(b: PlannedBatch, specs: readonly ParameterSpec[], t: BatchTimes): BatchCompletion {
  const processParameters = b.parameters.map((p) => {
    const spec = specs.find((s) => s.id === p.id)!;
    return {
      name: p.id,
      ...(spec.tag ? { tag: spec.tag } : {}),
      value: p.value,
      uom: spec.uom,
      target: spec.target.toFixed(spec.decimals),
      ...(spec.lower === undefined ? {} : { lowerLimit: spec.lower.toFixed(spec.decimals) }),
      ...(spec.upper === undefined ? {} : { upperLimit: spec.upper.toFixed(spec.decimals) }),
      inSpec: p.inSpec,
      ...(spec.critical ? { critical: true } : {}),
      phase: spec.phase,
      equipmentId: spec.equipmentId,
    };
  });
  const outOfSpec = b.parameters.filter((p) => !p.inSpec);
  const exceptions = outOfSpec.map((p) => ({
    type: 'oos_cpp' as const,
    severity: 'major' as const,
    description: `${p.id} = ${p.value} is outside its limits`,
    occurredAt: t.deviation,
  }));
  const data: BatchCompletion = {
    id: b.eventIds.batchCompleted,
    schemaVersion: 1,
    externalRefs: [{ system: 'mes-sim', type: 'Batch', id: b.batchId }],
    productionOrderId: b.orderNumber,
    mesJobId: b.batchId,
    plantId: b.plant,
    hierarchyScope: hierarchyScope(b),
    recipe: { id: `MR-${b.materialId}`, version: '3' },
    responseState: 'completed',
    producedLot: {
      lotId: b.lotId,
      materialId: b.materialId,
      qty: canonicalQty(b.quantity),
      erpBatch: b.erpBatch,
      manufactureDate: t.end.slice(0, 10),
      expiryDate: addYears(t.end, 2),
    },
    consumption: b.components.map((c) => ({
      lotId: c.lotId,
      materialId: c.materialId,
      qty: canonicalQty(c.quantity),
      materialUse: 'consumed',
      phase: c.phase,
    })),
    processParameters,
    equipment: [
      { equipmentId: 'reactor-01', level: 'unit', calibrationOk: true },
      { equipmentId: 'dryer-02', level: 'unit', calibrationOk: true },
      { equipmentId: 'packline-03', level: 'unit', calibrationOk: true },
    ],
    personnel: [{ personId: 'OP-0417', role: 'operator', action: 'executed' }],
    exceptions,
    ebr: {
      reviewByException: exceptions.length === 0,
      exceptionCount: exceptions.length,
      recordHash: 'sha256:' + '0'.repeat(64),
    },
    startTime: t.start,
    endTime: t.end,
  };
  // The record hash covers the record itself, so it is computed over everything but the hash.
  data.ebr!.recordHash = sha256(stableJson({ ...data, ebr: undefined }));
  return data;
}

export function hierarchyScope(b: PlannedBatch): string {
  return `${b.site}/${b.area}/${b.line}`;
}

function addYears(iso: string, years: number): string {
  const d = new Date(iso);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}
