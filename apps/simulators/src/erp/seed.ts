import { Rng } from '../core/index.ts';
import type { Row } from './odata/edm.ts';
import { ORDER_FLAGS, createOrder } from './rules/orders.ts';
import { addStock, ensureBatch, postMaterialDocument, type StockType } from './rules/movements.ts';
import { recordResult, recordUsageDecision } from './rules/quality.ts';
import { newQualityInfoRecord } from './services/quality-master.ts';
import type { ErpSim } from './sim.ts';
import { fromMilli, type Material } from './store.ts';

/**
 * The seed: a small S/4 with two plants, deterministic from the seed number (order quantities,
 * dates and the product mix vary with it; the stock situations the flows need are always there).
 * Goods receipts go through the same posting rules as API calls, so seeded lots look exactly
 * like lots the simulator made itself. Seeding raises no events.
 */
export const SEED_USER = 'SIM_SEED';
const DAY = 86_400_000;
/** Planned dates are around this day, not the clock, so the same seed gives the same orders. */
const BASE_DAY = Date.UTC(2026, 2, 2);

const MATERIALS: Material[] = [
  {
    Material: 'FG-1000',
    MaterialName: 'Finished good 1000 (powder)',
    BaseUnit: 'KG',
    MaterialType: 'FERT',
    BatchManaged: true,
    qmPlants: ['P100', 'P200'],
  },
  {
    Material: 'FG-2000',
    MaterialName: 'Finished good 2000 (machined part)',
    BaseUnit: 'ST',
    MaterialType: 'FERT',
    BatchManaged: true,
    qmPlants: ['P100'],
  },
  {
    Material: 'FG-3000',
    MaterialName: 'Finished good 3000 (liquid)',
    BaseUnit: 'L',
    MaterialType: 'FERT',
    BatchManaged: true,
    qmPlants: [],
  },
  {
    Material: 'RM-2000',
    MaterialName: 'Raw material 2000 (base powder)',
    BaseUnit: 'KG',
    MaterialType: 'ROH',
    BatchManaged: true,
    qmPlants: ['P100', 'P200'],
  },
  {
    Material: 'RM-2100',
    MaterialName: 'Raw material 2100 (solvent)',
    BaseUnit: 'L',
    MaterialType: 'ROH',
    BatchManaged: true,
    qmPlants: [],
  },
  {
    Material: 'PK-3000',
    MaterialName: 'Packaging 3000 (drum)',
    BaseUnit: 'ST',
    MaterialType: 'VERP',
    BatchManaged: false,
    qmPlants: [],
  },
];

/** [group, material, plants, characteristics: [no, text, quantitative, lower, upper, target, unit, required]] */
type CharSpec = readonly [string, string, boolean, string | null, string | null, string | null, string, boolean];
const PLANS: ReadonlyArray<readonly [string, string, readonly string[], readonly CharSpec[]]> = [
  [
    '50000001',
    'FG-1000',
    ['P100', 'P200'],
    [
      ['0010', 'pH value', true, '6.5', '7.5', '7.0', '', true],
      ['0020', 'Moisture', true, '0', '2.5', '1.0', '%', true],
      ['0030', 'Appearance', false, null, null, null, '', false],
    ],
  ],
  [
    '50000002',
    'FG-2000',
    ['P100'],
    [
      ['0010', 'Length', true, '99.5', '100.5', '100', 'MM', true],
      ['0020', 'Weight', true, '245', '255', '250', 'G', true],
    ],
  ],
  [
    '50000003',
    'RM-2000',
    ['P100', 'P200'],
    [
      ['0010', 'Purity', true, '99.0', '100', '99.5', '%', true],
      ['0020', 'Certificate of analysis', false, null, null, null, '', true],
    ],
  ],
];

export function loadSeed(sim: ErpSim, seed: number): void {
  sim.silent = true;
  try {
    build(sim, new Rng(seed));
  } finally {
    sim.silent = false;
  }
}

function build(sim: ErpSim, rng: Rng): void {
  const { state } = sim;
  state.plants.push('P100', 'P200');
  state.storageLocations.push('0001', '0002');
  state.materials.push(...MATERIALS);
  plans(sim);

  for (const [p, plant] of state.plants.entries()) {
    for (let i = 0; i < 10; i++) {
      const number = String(1000000 + (p + 1) * 100 + i);
      const material = i < 6 ? 'FG-1000' : plant === 'P100' ? rng.pick(['FG-2000', 'FG-3000']) : 'FG-3000';
      const qty = material === 'FG-2000' ? rng.int(10, 100) * 10 : rng.int(4, 20) * 50;
      const start = BASE_DAY + (i - 3 + rng.int(0, 1)) * DAY;
      seedOrder(sim, {
        number,
        material,
        plant,
        qty: String(qty),
        start,
        status: SEED_STATUS[i]!,
        batch: `B${number}`,
      });
    }
    state.counters.order[plant] = 1000000 + (p + 1) * 100 + 9;
  }

  const gr = (order: string, batch: string, qty: string, material = 'FG-1000', plant = 'P100') =>
    postMaterialDocument(
      sim,
      { GoodsMovementCode: '02', MaterialDocumentHeaderText: `GR order ${order}`, ReferenceDocument: order },
      [
        {
          Material: material,
          Plant: plant,
          StorageLocation: '0001',
          Batch: batch,
          GoodsMovementType: '101',
          QuantityInEntryUnit: qty,
          EntryUnit: 'KG',
          ManufacturingOrder: order,
        },
      ],
      { user: 'MES_USER' },
    );
  const stock = (material: string, plant: string, sloc: string, batch: string, type: StockType, qty: string) => {
    if (batch) ensureBatch(sim, material, plant, batch);
    addStock(sim, material, plant, sloc, batch, type, Math.round(Number(qty) * 1000));
  };

  // FG-1000 in P100: one batch per stock situation (the flows' test matrix).
  gr('1000103', 'B0042', '480.000'); // QI, open lot 040000000001 without results
  stock('FG-1000', 'P100', '0001', 'B0043', '01', '200'); // unrestricted
  stock('FG-1000', 'P100', '0001', 'B0044', '02', '100'); // split QI / unrestricted, no lot
  stock('FG-1000', 'P100', '0001', 'B0044', '01', '50');
  stock('FG-1000', 'P100', '0001', 'B0045', '07', '20'); // blocked
  stock('FG-1000', 'P100', '0001', 'B0046', '02', '10'); // QI in two storage locations
  stock('FG-1000', 'P100', '0002', 'B0046', '02', '15');
  stock('FG-1000', 'P100', '0001', 'B0047', '02', '30'); // QI without a lot: free transfer postings
  gr('1000104', 'B0048', '300.000'); // lot 040000000002: results, UD A, posted to unrestricted
  results(sim, '040000000002', ['7.1', '1.2', null]);
  recordUsageDecision(
    sim,
    {
      InspectionLot: '040000000002',
      InspectionLotUsageDecisionCode: 'A1',
      InspLotUsageDecisionValuation: 'A',
      InspLotUsageDecisionCodeGroup: 'UD-FG',
    },
    'QA_LEAD',
  );
  gr('1000105', 'B0049', '250.000'); // lot 040000000003: all results in, ready for a UD
  results(sim, '040000000003', ['6.9', '0.8', null]);
  stock('FG-1000', 'P100', '0001', 'B0050', '02', '40'); // own QI stock plus sales order stock (special stock E)
  state.stock.push({
    ...state.stock.at(-1)!,
    InventorySpecialStockType: 'E',
    SDDocument: '0000012345',
    SDDocumentItem: '000010',
    MatlWrhsStkQtyInMatlBaseUnit: '5.000',
  });

  // FG-1000 in P200.
  gr('1000203', 'B2001', String(rng.int(2, 8) * 50), 'FG-1000', 'P200'); // lot 040000000004
  stock('FG-1000', 'P200', '0001', 'B2002', '01', '120');

  // Raw materials and packaging in both plants; RM-2000 B0042 shares a batch number with FG-1000.
  stock('RM-2000', 'P100', '0001', 'B0042', '01', '75');
  for (const plant of state.plants) {
    stock('RM-2000', plant, '0001', plant === 'P100' ? 'R0002' : 'R0102', '01', String(rng.int(20, 60) * 100));
    stock('RM-2100', plant, '0001', plant === 'P100' ? 'R1001' : 'R1101', '01', String(rng.int(10, 40) * 100));
    stock('PK-3000', plant, '0001', '', '01', String(rng.int(50, 200) * 10));
  }
  // A supplier goods receipt of QM-active RM-2000: inspection lot 010000000001 (origin 01).
  postMaterialDocument(
    sim,
    { GoodsMovementCode: '01', MaterialDocumentHeaderText: 'GR PO 4500000001', ReferenceDocument: '4500000001' },
    [
      {
        Material: 'RM-2000',
        Plant: 'P100',
        StorageLocation: '0001',
        Batch: 'R0001',
        GoodsMovementType: '101',
        QuantityInEntryUnit: '1000',
        EntryUnit: 'KG',
        Supplier: 'SUP-4711',
      },
    ],
    { user: 'WM_USER' },
  );

  for (const [material, supplier, plant] of [
    ['RM-2000', 'SUP-4711', 'P100'],
    ['RM-2100', 'SUP-4711', 'P100'],
    ['RM-2000', 'SUP-0815', 'P200'],
  ] as const)
    newQualityInfoRecord(
      sim,
      { Material: material, Supplier: supplier, Plant: plant, QltyInProcmtInspControl: '1' },
      SEED_USER,
    );
}

/** The status of seeded order i (0–9) in each plant. */
const SEED_STATUS: readonly string[] = ['CRTD', 'CRTD', 'CRTD', 'REL', 'REL', 'REL', 'PCNF', 'CNF', 'TECO', 'LKD'];

export interface SeedOrder {
  readonly number?: string;
  readonly material: string;
  readonly plant: string;
  readonly qty: string;
  readonly unit?: string;
  readonly start?: number;
  /** CRTD, REL, PCNF, CNF, DLV, TECO, CLSD, LKD or DLFL; the statuses before it are implied. */
  readonly status?: string;
  readonly batch?: string;
}

const IMPLIES: Readonly<Record<string, readonly string[]>> = {
  CRTD: [],
  REL: ['OrderIsReleased'],
  PCNF: ['OrderIsReleased', 'OrderIsPartiallyConfirmed'],
  CNF: ['OrderIsReleased', 'OrderIsConfirmed'],
  DLV: ['OrderIsReleased', 'OrderIsConfirmed', 'OrderIsDelivered'],
  TECO: ['OrderIsReleased', 'OrderIsConfirmed', 'OrderIsDelivered', 'OrderIsTechnicallyCompleted'],
  CLSD: ['OrderIsReleased', 'OrderIsConfirmed', 'OrderIsDelivered', 'OrderIsTechnicallyCompleted', 'OrderIsClosed'],
  LKD: ['OrderIsReleased', 'OrderIsLocked'],
  DLFL: ['OrderIsMarkedForDeletion'],
};

export function seedOrder(sim: ErpSim, o: SeedOrder): Row {
  const status = o.status ?? 'CRTD';
  const flags = IMPLIES[status];
  if (!flags) throw new Error(`status ${status} is not one of ${Object.keys(IMPLIES).join(', ')}`);
  const order = createOrder(
    sim,
    {
      Material: o.material,
      ProductionPlant: o.plant,
      TotalQuantity: o.qty,
      ...(o.number ? { ManufacturingOrder: o.number } : {}),
      ...(o.unit ? { ProductionUnit: o.unit } : {}),
      ...(o.start !== undefined ? { MfgOrderPlannedStartDate: o.start, MfgOrderPlannedEndDate: o.start + DAY } : {}),
      ...(o.batch ? { Batch: o.batch } : {}),
    },
    SEED_USER,
  );
  for (const f of ORDER_FLAGS) order[f] = f === 'OrderIsCreated' || flags.includes(f);
  if (order.OrderIsReleased) order.MfgOrderActualReleaseDate = order.MfgOrderPlannedStartDate;
  if (order.OrderIsConfirmed || order.OrderIsPartiallyConfirmed) {
    const total = Math.round(Number(order.TotalQuantity) * 1000);
    order.MfgOrderConfirmedYieldQty = fromMilli(order.OrderIsConfirmed ? total : Math.round(total / 2));
  }
  return order;
}

function plans(sim: ErpSim): void {
  const { state } = sim;
  for (const [group, material, plants, chars] of PLANS) {
    state.inspectionPlans.push({
      InspectionPlanGroup: group,
      InspectionPlan: '01',
      InspectionPlanInternalVersion: '00000001',
      Plant: plants[0],
      InspectionPlanDesc: `Final inspection ${material}`,
      BillOfOperationsUsage: '5',
      BillOfOperationsStatus: '4',
      ValidityStartDate: Date.UTC(2025, 0, 1),
    });
    state.planOperations.push({
      InspectionPlanGroup: group,
      InspectionPlan: '01',
      InspPlanOperationInternalID: '00000001',
      OperationText: 'Laboratory',
      BOOOperation: '0010',
      WorkCenter: 'QC-LAB',
    });
    for (const [i, plant] of plants.entries())
      state.planMaterialAssignments.push({
        InspectionPlanGroup: group,
        InspectionPlan: '01',
        InspPlanMatlAssignment: String(i + 1).padStart(8, '0'),
        InspPlanMatlAssgmtIntVersion: '00000001',
        Material: material,
        Plant: plant,
        Supplier: '',
        ValidityStartDate: Date.UTC(2025, 0, 1),
      });
    for (const [no, text, quantitative, lower, upper, target, unit, required] of chars)
      state.planCharacteristics.push({
        InspectionPlanGroup: group,
        InspectionPlan: '01',
        InspPlanOperationInternalID: '00000001',
        InspectionPlanCharacteristic: no,
        InspectionSpecification: text
          .toUpperCase()
          .replace(/[^A-Z]/g, '')
          .slice(0, 8),
        InspectionSpecificationText: text,
        InspSpecIsQuantitative: quantitative,
        InspSpecLowerLimit: lower,
        InspSpecUpperLimit: upper,
        InspSpecTargetValue: target,
        InspSpecHasLowerLimit: lower !== null,
        InspSpecHasUpperLimit: upper !== null,
        InspectionSpecificationUnit: unit,
        InspSpecDecimalPlaces: quantitative ? 2 : 0,
        _required: required,
      });
  }
}

/** Results for a lot's characteristics in order; null leaves one out. */
function results(sim: ErpSim, lot: string, values: ReadonlyArray<string | null>): void {
  const chars = sim.state.inspectionCharacteristics.filter((c) => c.InspectionLot === lot);
  for (const [i, c] of chars.entries()) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    recordResult(
      sim,
      {
        InspectionLot: lot,
        InspPlanOperationInternalID: c.InspPlanOperationInternalID,
        InspectionCharacteristic: c.InspectionCharacteristic,
        InspectionResultMeanValue: v,
      },
      'QC_LAB',
    );
  }
}
