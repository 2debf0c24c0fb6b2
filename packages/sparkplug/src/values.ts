import { dataTypeName } from './datatypes.ts';

/**
 * Metric values from their protobuf form to plain JSON, by Sparkplug data type: 64-bit integers
 * become decimal strings (a JSON number would silently round them), small integers numbers
 * (signed types read back from the two's complement the spec stores in uint32), DateTime epoch
 * milliseconds, bytes base64, arrays (Sparkplug 3.0 types 22–34) JSON arrays.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A protobuf message as protobufjs's toObject gives it: snake_case, longs as decimal strings. */
export type Raw = Record<string, unknown>;

/** The oneof field each data type is stored in; a value found elsewhere is converted by its field. */
const FIELD_OF: Record<number, readonly string[]> = {
  1: ['int_value', 'long_value'],
  2: ['int_value', 'long_value'],
  3: ['int_value', 'long_value'],
  4: ['long_value', 'int_value'],
  5: ['int_value', 'long_value'],
  6: ['int_value', 'long_value'],
  7: ['int_value', 'long_value'],
  8: ['long_value', 'int_value'],
  9: ['float_value', 'double_value'],
  10: ['double_value', 'float_value'],
  11: ['boolean_value'],
  12: ['string_value'],
  13: ['long_value', 'int_value'],
  14: ['string_value'],
  15: ['string_value'],
  16: ['dataset_value'],
  17: ['bytes_value'],
  18: ['bytes_value'],
  19: ['template_value'],
};
for (let code = 22; code <= 34; code++) FIELD_OF[code] = ['bytes_value'];

/** The value of a metric, data set cell, parameter or property, from its set oneof field. */
export function convertValue(datatype: number | undefined, field: string | undefined, raw: unknown): Json {
  if (field === undefined || raw === undefined || raw === null) return null;
  if (datatype === undefined || !FIELD_OF[datatype]?.includes(field)) return byField(field, raw);
  switch (datatype) {
    case 1:
      return (Number(big(raw) & 0xffn) << 24) >> 24;
    case 2:
      return (Number(big(raw) & 0xffffn) << 16) >> 16;
    case 3:
      return Number(BigInt.asIntN(32, big(raw)));
    case 4:
      return BigInt.asIntN(64, big(raw)).toString();
    case 5:
    case 6:
    case 7:
      return safeNumber(big(raw));
    case 8:
      return BigInt.asUintN(64, big(raw)).toString();
    case 9:
      return field === 'float_value' ? float32(raw as number) : finite(raw as number);
    case 10:
      return finite(raw as number);
    case 13:
      return safeNumber(BigInt.asUintN(64, big(raw)));
    case 16:
      return dataSet(raw as Raw);
    case 19:
      return template(raw as Raw);
    default:
      if (datatype >= 22) return unpackArray(datatype, raw as Uint8Array);
      return byField(field, raw);
  }
}

/** A value without a (known) data type, by the field it came in. */
function byField(field: string, raw: unknown): Json {
  switch (field) {
    case 'int_value':
      return raw as number;
    case 'long_value':
      return String(raw);
    case 'float_value':
      return float32(raw as number);
    case 'double_value':
      return finite(raw as number);
    case 'bytes_value':
      return Buffer.from(raw as Uint8Array).toString('base64');
    case 'dataset_value':
      return dataSet(raw as Raw);
    case 'template_value':
      return template(raw as Raw);
    default:
      return raw as Json;
  }
}

function big(raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return BigInt(Math.trunc(raw));
  if (typeof raw === 'boolean') return raw ? 1n : 0n;
  return BigInt(String(raw));
}

/** A number when it is exact, else the decimal string. */
export function safeNumber(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** NaN and the infinities have no JSON form; they travel as strings rather than as null. */
function finite(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** The shortest decimal that reads back as the same float32: 1.1, not 1.100000023841858. */
function float32(value: number): number | string {
  if (!Number.isFinite(value)) return String(value);
  for (let digits = 1; digits <= 9; digits++) {
    const shorter = Number(value.toPrecision(digits));
    if (Math.fround(shorter) === value) return shorter;
  }
  return value;
}

function oneof(raw: Raw): string | undefined {
  return typeof raw.value === 'string' ? raw.value : undefined;
}

function dataSet(raw: Raw): Json {
  const columns = (raw.columns as string[] | undefined) ?? [];
  const types = (raw.types as number[] | undefined) ?? [];
  const rows = ((raw.rows as Raw[] | undefined) ?? []).map((row) =>
    ((row.elements as Raw[] | undefined) ?? []).map((cell, i) => {
      const field = oneof(cell);
      return convertValue(types[i], field, field === undefined ? undefined : cell[field]);
    }),
  );
  return { columns, types: types.map((t) => dataTypeName(t) ?? t), rows };
}

function template(raw: Raw): Json {
  const out: { [key: string]: Json } = {};
  if (raw.version !== undefined) out.version = raw.version as string;
  if (raw.template_ref !== undefined) out.templateRef = raw.template_ref as string;
  if (raw.is_definition !== undefined) out.isDefinition = raw.is_definition as boolean;
  out.metrics = ((raw.metrics as Raw[] | undefined) ?? []).map((m) => convertMetric(m, {}));
  out.parameters = ((raw.parameters as Raw[] | undefined) ?? []).map((p) => {
    const field = oneof(p);
    const type = p.type as number | undefined;
    return {
      ...(p.name === undefined ? {} : { name: p.name as string }),
      ...(type === undefined ? {} : { type: dataTypeName(type) ?? type }),
      value: convertValue(type, field, field === undefined ? undefined : p[field]),
    };
  });
  return out;
}

/** A PropertySet as an object of its keys. */
export function propertySet(raw: Raw): { [key: string]: Json } {
  const keys = (raw.keys as string[] | undefined) ?? [];
  const values = (raw.values as Raw[] | undefined) ?? [];
  const out: { [key: string]: Json } = {};
  keys.forEach((key, i) => {
    const v = values[i];
    if (!v) return;
    const field = oneof(v);
    if (v.is_null === true || field === undefined) out[key] = null;
    else if (field === 'propertyset_value') out[key] = propertySet(v[field] as Raw);
    else if (field === 'propertysets_value')
      out[key] = (((v[field] as Raw).propertyset as Raw[] | undefined) ?? []).map(propertySet);
    else out[key] = convertValue(v.type as number | undefined, field, v[field]);
  });
  return out;
}

/** What a metric's name and data type are when DATA messages leave them out (from the BIRTH). */
export interface Known {
  readonly name?: string;
  readonly datatype?: number;
}

/** One metric as plain JSON; `known` fills in the name and data type a DATA message left out. */
export function convertMetric(raw: Raw, known: Known): { [key: string]: Json } {
  const datatype = (raw.datatype as number | undefined) ?? known.datatype;
  const name = (raw.name as string | undefined) ?? known.name;
  const field = oneof(raw);
  const out: { [key: string]: Json } = {};
  if (name !== undefined) out.name = name;
  if (raw.alias !== undefined) out.alias = safeNumber(BigInt(raw.alias as string));
  if (raw.timestamp !== undefined) out.timestamp = safeNumber(BigInt(raw.timestamp as string));
  if (datatype !== undefined) out.datatype = dataTypeName(datatype) ?? datatype;
  out.value = raw.is_null === true ? null : convertValue(datatype, field, field === undefined ? undefined : raw[field]);
  if (raw.is_null === true) out.isNull = true;
  if (raw.is_historical === true) out.isHistorical = true;
  if (raw.is_transient === true) out.isTransient = true;
  if (raw.properties !== undefined) out.properties = propertySet(raw.properties as Raw);
  if (raw.metadata !== undefined) out.metadata = metadata(raw.metadata as Raw);
  return out;
}

function metadata(raw: Raw): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(raw)) {
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    out[camel] = key === 'size' || key === 'seq' ? safeNumber(BigInt(value as string)) : (value as Json);
  }
  return out;
}

const WIDTH: Record<number, number> = { 22: 1, 23: 2, 24: 4, 25: 8, 26: 1, 27: 2, 28: 4, 29: 8, 30: 4, 31: 8, 34: 8 };

/** Sparkplug 3.0 array types: little-endian packed values in bytes_value. */
function unpackArray(datatype: number, bytes: Uint8Array): Json[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const name = dataTypeName(datatype) ?? String(datatype);
  if (datatype === 32) {
    if (bytes.byteLength < 4)
      throw new Error(`a BooleanArray needs its 4-byte count, and has ${bytes.byteLength} bytes`);
    const count = view.getUint32(0, true);
    if (bytes.byteLength < 4 + Math.ceil(count / 8)) throw new Error(`a BooleanArray of ${count} values is cut short`);
    // Most significant bit first within each byte.
    return Array.from({ length: count }, (_, i) => (bytes[4 + (i >> 3)]! & (0x80 >> (i & 7))) !== 0);
  }
  if (datatype === 33) {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (text !== '' && !text.endsWith('\u0000')) throw new Error('a StringArray must end with a NUL terminator');
    return text === '' ? [] : text.slice(0, -1).split('\u0000');
  }
  const width = WIDTH[datatype];
  if (width === undefined) return [Buffer.from(bytes).toString('base64')];
  if (bytes.byteLength % width !== 0)
    throw new Error(`a ${name} of ${bytes.byteLength} bytes is not whole ${width}-byte values`);
  const out: Json[] = [];
  for (let at = 0; at < bytes.byteLength; at += width) {
    switch (datatype) {
      case 22:
        out.push(view.getInt8(at));
        break;
      case 23:
        out.push(view.getInt16(at, true));
        break;
      case 24:
        out.push(view.getInt32(at, true));
        break;
      case 25:
        out.push(view.getBigInt64(at, true).toString());
        break;
      case 26:
        out.push(view.getUint8(at));
        break;
      case 27:
        out.push(view.getUint16(at, true));
        break;
      case 28:
        out.push(view.getUint32(at, true));
        break;
      case 29:
        out.push(view.getBigUint64(at, true).toString());
        break;
      case 30:
        out.push(float32(view.getFloat32(at, true)));
        break;
      case 31:
        out.push(finite(view.getFloat64(at, true)));
        break;
      case 34:
        out.push(safeNumber(view.getBigUint64(at, true)));
        break;
    }
  }
  return out;
}
