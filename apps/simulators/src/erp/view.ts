import type { PropDef, Row } from './odata/edm.ts';
import type { ServiceDef } from './odata/model.ts';
import type { ErpSim } from './sim.ts';
import { statusNames } from './rules/orders.ts';

/**
 * The store as plain JSON for `/__sim/store` and assertions: dates as ISO strings, decimals as
 * decimal strings, hidden fields left out, items under their headers.
 */
export interface ErpStoreView {
  readonly plants: string[];
  readonly materials: unknown[];
  readonly orders: Array<Row & { statuses: string[]; items: Row[]; operations: Row[]; components: Row[] }>;
  readonly inspectionLots: Row[];
  readonly inspectionCharacteristics: Row[];
  readonly inspectionResults: Row[];
  readonly usageDecisions: Row[];
  readonly materialDocuments: Array<Row & { items: Row[] }>;
  readonly stock: Row[];
  readonly batches: Row[];
  readonly qualityInfoRecords: Row[];
  readonly inspectionPlans: Row[];
  readonly inspectionPlanCharacteristics: Row[];
}

export function storeView(sim: ErpSim, services: readonly ServiceDef[]): ErpStoreView {
  const props = (set: string): Readonly<Record<string, PropDef>> => {
    for (const s of services) {
      const found = s.sets.find((x) => x.name === set);
      if (found) return found.props;
    }
    return {};
  };
  const plain = (set: string) => {
    const defs = props(set);
    return (row: Row): Row => {
      const out: Row = {};
      for (const [k, v] of Object.entries(row)) {
        if (k.startsWith('_')) continue;
        const t = defs[k]?.type;
        out[k] =
          (t === 'Edm.DateTime' || t === 'Edm.DateTimeOffset') && typeof v === 'number' ? new Date(v).toISOString() : v;
      }
      return out;
    };
  };
  const s = sim.state;
  const byOrder = (rows: Row[], o: Row, set: string) =>
    rows.filter((r) => r.ManufacturingOrder === o.ManufacturingOrder).map(plain(set));
  return {
    plants: [...s.plants],
    materials: s.materials.map((m) => ({ ...m })),
    orders: s.orders.map((o) => ({
      ...plain('A_ProductionOrder_2')(o),
      statuses: statusNames(o),
      items: byOrder(s.orderItems, o, 'A_ProductionOrderItem_2'),
      operations: byOrder(s.orderOperations, o, 'A_ProductionOrderOperation_2'),
      components: byOrder(s.orderComponents, o, 'A_ProductionOrderComponent_2'),
    })),
    inspectionLots: s.inspectionLots.map((l) => ({
      ...plain('A_InspectionLot')(l),
      storageLocation: l._storageLocation,
      canceled: l._canceled === true,
    })),
    inspectionCharacteristics: s.inspectionCharacteristics.map((c) => ({
      ...plain('A_InspectionCharacteristic')(c),
      required: c._required === true,
    })),
    inspectionResults: s.inspectionResults.map(plain('A_InspectionResult')),
    usageDecisions: s.usageDecisions.map(plain('A_InspLotUsageDecision')),
    materialDocuments: s.materialDocuments.map((h) => ({
      ...plain('A_MaterialDocumentHeader')(h),
      reversedBy: h._reversedBy || undefined,
      items: s.materialDocumentItems
        .filter((i) => i.MaterialDocument === h.MaterialDocument && i.MaterialDocumentYear === h.MaterialDocumentYear)
        .map(plain('A_MaterialDocumentItem')),
    })),
    stock: s.stock.map(plain('A_MatlStkInAcctMod')),
    batches: s.batches.map(plain('Batch')),
    qualityInfoRecords: s.qualityInfoRecords.map(plain('QualityInProcurement')),
    inspectionPlans: s.inspectionPlans.map(plain('A_InspectionPlan')),
    inspectionPlanCharacteristics: s.planCharacteristics.map((c) => ({
      ...plain('A_InspPlanOpCharacteristic')(c),
      required: c._required === true,
    })),
  };
}
