import type { PlantLayout } from './types.ts';

/**
 * An order download from the ERP, LOIPRO-like. Either flat:
 * `{ orderNumber, orderType?, materialId, plantId, plannedQty: { value, unit }, plannedStart?,
 * plannedEnd?, productionVersion?, line?, batch? }`, or with the IDoc's header segment:
 * `{ E1AFKOL: { AUFNR, AUART?, MATNR, WERKS, GAMNG, GMEIN, GSTRP?, GLTRP?, VERID?, CHARG? } }`.
 */
export interface OrderDownload {
  readonly orderNumber: string;
  readonly orderType: string;
  readonly materialId: string;
  readonly plantId: string;
  readonly plannedQty: { readonly value: string; readonly unit: string };
  readonly plannedStart?: string;
  readonly plannedEnd?: string;
  readonly productionVersion?: string;
  readonly line?: string;
  readonly erpBatch?: string;
}

export type Problem = { readonly field: string; readonly message: string };

const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

export function parseOrder(
  body: unknown,
  sites: Readonly<Record<string, PlantLayout>>,
): { ok: true; order: OrderDownload } | { ok: false; status: number; code: string; problems: Problem[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, status: 400, code: 'BAD_REQUEST', problems: [{ field: '', message: 'send a JSON object' }] };
  const raw = body as Record<string, unknown>;
  const idoc = raw.E1AFKOL && typeof raw.E1AFKOL === 'object' ? (raw.E1AFKOL as Record<string, unknown>) : undefined;
  const qty = raw.plannedQty as Record<string, unknown> | undefined;
  const pick = (flat: unknown, seg: string) => str(flat) ?? str(idoc?.[seg]);
  // SAP sends AUFNR with leading zeros; the canonical order number has none.
  const orderNumber = pick(raw.orderNumber, 'AUFNR')?.replace(/^0+(?=\d)/, '');
  const materialId = pick(raw.materialId, 'MATNR');
  const plantId = pick(raw.plantId, 'WERKS');
  const value = str(qty?.value) ?? str(idoc?.GAMNG);
  const unit = str(qty?.unit) ?? str(qty?.uom) ?? str(idoc?.GMEIN) ?? 'KG';
  const problems: Problem[] = [];
  if (!orderNumber || !/^[A-Za-z0-9_-]{1,40}$/.test(orderNumber))
    problems.push({ field: 'orderNumber', message: 'required: 1–40 letters, digits, "-" or "_" (AUFNR)' });
  if (!materialId) problems.push({ field: 'materialId', message: 'required (MATNR)' });
  if (!plantId) problems.push({ field: 'plantId', message: 'required (WERKS)' });
  if (!value || !/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0)
    problems.push({ field: 'plannedQty.value', message: 'required: a positive decimal such as "500.000" (GAMNG)' });
  const erpBatch = pick(raw.batch, 'CHARG');
  if (erpBatch !== undefined && !/^[A-Z0-9_-]{1,10}$/.test(erpBatch))
    problems.push({ field: 'batch', message: 'an SAP batch is 1–10 upper-case letters, digits, "-" or "_"' });
  const plannedStart = pick(raw.plannedStart, 'GSTRP');
  const plannedEnd = pick(raw.plannedEnd, 'GLTRP');
  for (const [field, v] of [
    ['plannedStart', plannedStart],
    ['plannedEnd', plannedEnd],
  ] as const)
    if (v !== undefined && Number.isNaN(Date.parse(v)))
      problems.push({ field, message: 'must be a date or an RFC 3339 timestamp' });
  if (problems.length > 0) return { ok: false, status: 400, code: 'INVALID_ORDER', problems };
  const layout = sites[plantId!];
  if (!layout)
    return {
      ok: false,
      status: 422,
      code: 'UNKNOWN_PLANT',
      problems: [
        { field: 'plantId', message: `plant ${plantId} has no MES here; known: ${Object.keys(sites).join(', ')}` },
      ],
    };
  const line = str(raw.line);
  if (line !== undefined && !layout.lines.includes(line))
    return {
      ok: false,
      status: 422,
      code: 'UNKNOWN_LINE',
      problems: [{ field: 'line', message: `plant ${plantId} has lines ${layout.lines.join(', ')}` }],
    };
  const productionVersion = pick(raw.productionVersion, 'VERID');
  return {
    ok: true,
    order: {
      orderNumber: orderNumber!,
      orderType: pick(raw.orderType, 'AUART') ?? 'PI01',
      materialId: materialId!,
      plantId: plantId!,
      plannedQty: { value: value!, unit },
      ...(plannedStart ? { plannedStart } : {}),
      ...(plannedEnd ? { plannedEnd } : {}),
      ...(productionVersion ? { productionVersion } : {}),
      ...(line ? { line } : {}),
      ...(erpBatch ? { erpBatch } : {}),
    },
  };
}
