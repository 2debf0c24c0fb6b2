import { allowedNext } from '@millrace/canonical';
import { ApiError, invalidField } from './errors.ts';
import type { Qms } from './kit.ts';
import type { Actor } from './repo.ts';
import { specFor, type Characteristic } from './specs.ts';
import type { Rec } from './store.ts';
import { DECIMAL, UOM, type Json } from './validate.ts';

/**
 * Inspection results: `{ results: [{ characteristicId, measuredValue, uom? }] }`. Each result is
 * valued against the spec's limits as it arrives (outside lower..upper → rejected). When every
 * characteristic of the spec has a result, the inspection moves to results_recorded and the QA
 * robot (if on) is told. A result for something the spec does not list (an extra process
 * parameter) is kept as `unplanned`, neither valued nor counted, unless the tenant is strict
 * (422). MES tag paths are mapped to characteristic ids by an alias table. A second value for a characteristic is a correction: it supersedes the
 * first (kept, 21 CFR 11.10(e)) and must say why; the same value again changes nothing, so a
 * duplicated MES event does no harm.
 */

export interface ResultRecord {
  id: string;
  characteristicId: string;
  sourceCharacteristicId?: string;
  unplanned?: boolean;
  measuredValue?: string;
  attributeCode?: string;
  uom?: string;
  valuation?: 'accepted' | 'rejected';
  status: 'recorded' | 'superseded';
  testedAt: string;
  supersedesId?: string;
  correctionReason?: string;
  sampleId?: string;
  inspectorId?: string;
  equipmentId?: string;
}

const OPEN_STATES = ['created', 'released', 'in_inspection', 'results_recorded', 'results_confirmed'];

/** Unit spellings MES and lab systems use for the same UN/CEFACT code. */
const UOM_ALIASES: Record<string, string> = {
  '°C': 'CEL',
  C: 'CEL',
  DEGC: 'CEL',
  DEG_C: 'CEL',
  '%': 'P1',
  PCT: 'P1',
  PERCENT: 'P1',
  MIN: 'MIN',
  KG: 'KGM',
};

const PASSING_CODES = ['A', 'PASS', 'PASSED', 'OK', 'CONFORMING', 'ACCEPTED', 'COMPLIES'];

export function readResults(raw: unknown, path = 'results'): Json[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw new ApiError(422, 'REQUIRED_FIELD_MISSING', `${path} must be a non-empty list`, { fields: [path] });
  return raw.map((r, i) => {
    if (typeof r !== 'object' || r === null || Array.isArray(r))
      throw invalidField(`${path}[${i}]`, 'must be an object');
    return r as Json;
  });
}

export function recordResults(qms: Qms, rec: Rec, input: Json[], actor: Actor): ResultRecord[] {
  if (!OPEN_STATES.includes(rec.state))
    throw new ApiError(409, 'INSPECTION_NOT_OPEN', `inspection ${rec.id} is ${rec.state}: no more results`, {
      currentState: rec.state,
      allowedNextStates: allowedNext('InspectionLot', rec.state),
    });
  const spec = specFor(qms, rec);
  const chars = new Map(((spec?.characteristics as Characteristic[] | undefined) ?? []).map((c) => [c.charId, c]));
  const now = qms.repo.now();
  const results = ((rec.results as ResultRecord[] | undefined) ?? []).map((r) => ({ ...r }));
  const added: ResultRecord[] = [];
  // Validate everything first: a batch with one bad result records nothing.
  const aliases = qms.store.characteristicAliases;
  const parsed = input.map((r, i) =>
    parseResult(r, `results[${i}]`, spec ? chars : undefined, aliases, qms.settings.strictCharacteristics),
  );
  for (const p of parsed) {
    const current = results.find((r) => r.characteristicId === p.characteristicId && r.status === 'recorded');
    if (current && current.measuredValue === p.measuredValue && current.attributeCode === p.attributeCode) continue;
    if (current && !p.correctionReason)
      throw new ApiError(
        422,
        'CORRECTION_REASON_REQUIRED',
        `${p.characteristicId} already has result ${current.measuredValue ?? current.attributeCode}; a different value needs correctionReason`,
        { fields: ['correctionReason'], characteristicId: p.characteristicId, existingResultId: current.id },
      );
    const result: ResultRecord = {
      ...p,
      id: qms.store.nextId('RES'),
      status: 'recorded',
      testedAt: p.testedAt ?? now,
      ...(current ? { supersedesId: current.id } : {}),
    };
    const valuation = p.unplanned ? undefined : evaluate(result, chars.get(p.characteristicId));
    if (valuation) result.valuation = valuation;
    if (current) current.status = 'superseded';
    results.push(result);
    added.push(result);
  }
  if (added.length === 0) return added;

  const complete = isComplete(results, spec ? [...chars.keys()] : undefined);
  if (rec.state === 'created' || rec.state === 'released')
    qms.repo.move('inspection', rec, 'in_inspection', actor, { action: 'results', event: 'inspection.in_inspection' });
  qms.repo.update('inspection', rec, { results }, actor, {
    action: 'results',
    event: 'inspection.results_added',
    eventData: { resultIds: added.map((r) => r.id) },
  });
  if (complete && rec.state === 'in_inspection') {
    qms.repo.move('inspection', rec, 'results_recorded', actor, {
      action: 'results-complete',
      eventData: { valuation: overall(results) },
    });
    qms.robot.onResultsComplete(rec.id);
  }
  return added;
}

interface ParsedResult {
  characteristicId: string;
  /** The id as sent, when an alias mapped it to the spec's characteristic. */
  sourceCharacteristicId?: string;
  /** Not a characteristic of the spec: kept, but neither valued nor counted. */
  unplanned?: boolean;
  measuredValue?: string;
  attributeCode?: string;
  uom?: string;
  testedAt?: string;
  correctionReason?: string;
  sampleId?: string;
  inspectorId?: string;
  equipmentId?: string;
}

function parseResult(
  r: Json,
  path: string,
  chars: Map<string, Characteristic> | undefined,
  aliases: Readonly<Record<string, string>>,
  strict: boolean,
): ParsedResult {
  const sent = r.characteristicId ?? r.charId;
  if (typeof sent !== 'string' || sent === '')
    throw new ApiError(422, 'REQUIRED_FIELD_MISSING', `${path}.characteristicId is required`, {
      fields: [`${path}.characteristicId`],
    });
  // An MES tag path (dryer-02/Dryer/ProductTemperature) names a characteristic through the alias table.
  const charId = chars && !chars.has(sent) && aliases[sent] !== undefined ? aliases[sent] : sent;
  const char = chars?.get(charId);
  if (chars && !char && strict)
    throw invalidField(`${path}.characteristicId`, `${sent} is not a characteristic of the spec`, {
      characteristics: [...chars.keys()],
    });
  const out: ParsedResult = {
    characteristicId: charId,
    ...(charId !== sent ? { sourceCharacteristicId: sent } : {}),
    ...(chars && !char ? { unplanned: true } : {}),
  };
  if (r.measuredValue !== undefined) {
    const v = typeof r.measuredValue === 'number' ? String(r.measuredValue) : r.measuredValue;
    if (typeof v !== 'string' || !DECIMAL.test(v))
      throw invalidField(`${path}.measuredValue`, 'must be a decimal string');
    out.measuredValue = v;
  }
  if (typeof r.attributeCode === 'string' && r.attributeCode !== '') out.attributeCode = r.attributeCode;
  if (out.measuredValue === undefined && out.attributeCode === undefined)
    throw new ApiError(422, 'REQUIRED_FIELD_MISSING', `${path} needs measuredValue (or attributeCode)`, {
      fields: [`${path}.measuredValue`],
    });
  if ((char?.kind ?? 'quantitative') === 'quantitative' && char && out.measuredValue === undefined)
    throw new ApiError(422, 'REQUIRED_FIELD_MISSING', `${path}: ${charId} is measured; send measuredValue`, {
      fields: [`${path}.measuredValue`],
    });
  if (r.uom !== undefined) {
    const u = typeof r.uom === 'string' ? (UOM_ALIASES[r.uom.toUpperCase()] ?? UOM_ALIASES[r.uom] ?? r.uom) : '';
    if (!UOM.test(u)) throw invalidField(`${path}.uom`, 'must be a UN/CEFACT code such as CEL or P1');
    if (char?.uom && u !== char.uom)
      throw invalidField(`${path}.uom`, `${charId} is specified in ${char.uom}, not ${String(r.uom)}`);
    out.uom = u;
  } else if (char?.uom) out.uom = char.uom;
  for (const f of ['testedAt', 'correctionReason', 'sampleId', 'inspectorId', 'equipmentId'] as const) {
    const v = r[f];
    if (v !== undefined) {
      if (typeof v !== 'string' || v === '') throw invalidField(`${path}.${f}`, 'must be a non-empty string');
      out[f] = v;
    }
  }
  return out;
}

/** accepted when inside the limits (inclusive); none without a characteristic to judge by. */
export function evaluate(r: ResultRecord, c: Characteristic | undefined): 'accepted' | 'rejected' | undefined {
  if (!c) return undefined;
  if (c.kind === 'qualitative')
    return PASSING_CODES.includes(String(r.attributeCode ?? r.measuredValue).toUpperCase()) ? 'accepted' : 'rejected';
  const v = Number(r.measuredValue);
  if (Number.isNaN(v)) return 'rejected';
  if (c.lower !== undefined && v < Number(c.lower)) return 'rejected';
  if (c.upper !== undefined && v > Number(c.upper)) return 'rejected';
  return 'accepted';
}

function isComplete(results: ResultRecord[], charIds: string[] | undefined): boolean {
  const have = new Set(results.filter((r) => r.status === 'recorded' && !r.unplanned).map((r) => r.characteristicId));
  // Without a spec there is nothing to complete against: any result completes it.
  return charIds === undefined ? have.size > 0 : charIds.every((c) => have.has(c));
}

export function overall(results: ResultRecord[]): 'accepted' | 'rejected' | 'unknown' {
  const current = results.filter((r) => r.status === 'recorded' && !r.unplanned);
  if (current.some((r) => r.valuation === 'rejected')) return 'rejected';
  if (current.length > 0 && current.every((r) => r.valuation === 'accepted')) return 'accepted';
  return 'unknown';
}
