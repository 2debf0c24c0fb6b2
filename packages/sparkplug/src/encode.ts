import { dataTypeCode, type DataTypeName } from './datatypes.ts';
import { sparkplugPayloadType, uint64 } from './proto.ts';

/**
 * A Sparkplug B encoder, the mirror of decode.ts. Millrace only consumes Sparkplug; this exists
 * for tests (and fixtures) that need real payloads, such as an edge node's BIRTH and DATA.
 * Templates are not supported.
 */
export interface MetricInput {
  readonly name?: string;
  readonly alias?: number | bigint;
  readonly timestamp?: number;
  /** Left out of DATA metrics sent by alias, as edge nodes do. */
  readonly datatype?: DataTypeName;
  /** null or undefined: sent with is_null. 64-bit types take a bigint, a number or a decimal string. */
  readonly value?: unknown;
  /** The data type used to encode `value` when `datatype` is left out of the message. */
  readonly encodeAs?: DataTypeName;
  readonly isHistorical?: boolean;
  readonly isTransient?: boolean;
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
}

export interface PayloadInput {
  readonly timestamp?: number;
  readonly seq?: number;
  readonly uuid?: string;
  readonly body?: Uint8Array;
  readonly metrics?: readonly MetricInput[];
}

export interface DataSetInput {
  readonly columns: readonly string[];
  readonly types: readonly DataTypeName[];
  readonly rows: ReadonlyArray<readonly unknown[]>;
}

export function encodeSparkplugPayload(input: PayloadInput): Uint8Array {
  const payload: Record<string, unknown> = {
    metrics: (input.metrics ?? []).map(metric),
  };
  if (input.timestamp !== undefined) payload.timestamp = uint64(BigInt(input.timestamp));
  if (input.seq !== undefined) payload.seq = uint64(BigInt(input.seq));
  if (input.uuid !== undefined) payload.uuid = input.uuid;
  if (input.body !== undefined) payload.body = input.body;
  return sparkplugPayloadType().encode(payload).finish();
}

function metric(m: MetricInput): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (m.name !== undefined) out.name = m.name;
  if (m.alias !== undefined) out.alias = uint64(BigInt(m.alias));
  if (m.timestamp !== undefined) out.timestamp = uint64(BigInt(m.timestamp));
  if (m.datatype !== undefined) out.datatype = dataTypeCode(m.datatype);
  if (m.isHistorical) out.is_historical = true;
  if (m.isTransient) out.is_transient = true;
  if (m.properties) {
    const keys = Object.keys(m.properties);
    out.properties = { keys, values: keys.map((k) => propertyValue(m.properties![k]!)) };
  }
  const as = m.datatype ?? m.encodeAs;
  if (m.value === null || m.value === undefined) out.is_null = true;
  else if (as === undefined) throw new Error(`metric ${m.name ?? String(m.alias)}: a value needs datatype or encodeAs`);
  else Object.assign(out, valueField(dataTypeCode(as), m.value));
  return out;
}

function propertyValue(value: string | number | boolean): Record<string, unknown> {
  if (typeof value === 'string') return { type: dataTypeCode('String'), string_value: value };
  if (typeof value === 'boolean') return { type: dataTypeCode('Boolean'), boolean_value: value };
  return Number.isInteger(value)
    ? { type: dataTypeCode('Int64'), long_value: uint64(BigInt(value)) }
    : { type: dataTypeCode('Double'), double_value: value };
}

/** The oneof field carrying `value` for data type `code`. */
function valueField(code: number, value: unknown): Record<string, unknown> {
  switch (code) {
    case 1:
    case 2:
    case 3:
    case 5:
    case 6:
    case 7:
      // Signed types travel as their two's complement in a uint32.
      return { int_value: Number(value) >>> 0 };
    case 4:
    case 8:
    case 13:
      return { long_value: uint64(BigInt(value as bigint | number | string)) };
    case 9:
      return { float_value: Number(value) };
    case 10:
      return { double_value: Number(value) };
    case 11:
      return { boolean_value: Boolean(value) };
    case 12:
    case 14:
    case 15:
      return { string_value: String(value) };
    case 16:
      return { dataset_value: dataSet(value as DataSetInput) };
    case 17:
    case 18:
      return { bytes_value: value as Uint8Array };
    default:
      if (code >= 22 && code <= 34) return { bytes_value: packArray(code, value as readonly unknown[]) };
      throw new Error(`the test encoder cannot encode data type ${code}`);
  }
}

function dataSet(input: DataSetInput): Record<string, unknown> {
  const types = input.types.map(dataTypeCode);
  return {
    num_of_columns: uint64(BigInt(input.columns.length)),
    columns: [...input.columns],
    types,
    rows: input.rows.map((row) => ({ elements: row.map((cell, i) => valueField(types[i]!, cell)) })),
  };
}

const WIDTH: Record<number, number> = { 22: 1, 23: 2, 24: 4, 25: 8, 26: 1, 27: 2, 28: 4, 29: 8, 30: 4, 31: 8, 34: 8 };

/** Sparkplug 3.0 array types as little-endian packed bytes (see values.ts for the reading side). */
export function packArray(code: number, values: readonly unknown[]): Uint8Array {
  if (code === 32) {
    const bytes = new Uint8Array(4 + Math.ceil(values.length / 8));
    new DataView(bytes.buffer).setUint32(0, values.length, true);
    values.forEach((v, i) => {
      if (v) bytes[4 + (i >> 3)]! |= 0x80 >> (i & 7);
    });
    return bytes;
  }
  if (code === 33) return new TextEncoder().encode(values.map((v) => `${String(v)}\u0000`).join(''));
  const width = WIDTH[code]!;
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    const at = i * width;
    switch (code) {
      case 22:
        return view.setInt8(at, Number(v));
      case 23:
        return view.setInt16(at, Number(v), true);
      case 24:
        return view.setInt32(at, Number(v), true);
      case 25:
        return view.setBigInt64(at, BigInt(v as bigint), true);
      case 26:
        return view.setUint8(at, Number(v));
      case 27:
        return view.setUint16(at, Number(v), true);
      case 28:
        return view.setUint32(at, Number(v), true);
      case 29:
      case 34:
        return view.setBigUint64(at, BigInt(v as bigint), true);
      case 30:
        return view.setFloat32(at, Number(v), true);
      case 31:
        return view.setFloat64(at, Number(v), true);
    }
  });
  return bytes;
}
