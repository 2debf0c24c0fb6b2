/** Sparkplug B metric data types (Sparkplug 3.0.0 §6.4.16), by their number on the wire. */
export const DATATYPES = [
  'Unknown',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float',
  'Double',
  'Boolean',
  'String',
  'DateTime',
  'Text',
  'UUID',
  'DataSet',
  'Bytes',
  'File',
  'Template',
  'PropertySet',
  'PropertySetList',
  'Int8Array',
  'Int16Array',
  'Int32Array',
  'Int64Array',
  'UInt8Array',
  'UInt16Array',
  'UInt32Array',
  'UInt64Array',
  'FloatArray',
  'DoubleArray',
  'BooleanArray',
  'StringArray',
  'DateTimeArray',
] as const;

export type DataTypeName = (typeof DATATYPES)[number];

export function dataTypeName(code: number | undefined): DataTypeName | undefined {
  return code === undefined ? undefined : DATATYPES[code];
}

export function dataTypeCode(name: DataTypeName): number {
  return DATATYPES.indexOf(name);
}
