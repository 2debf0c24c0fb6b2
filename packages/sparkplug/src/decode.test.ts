import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeSparkplugMessage, encodeSparkplugPayload, parseSparkplugTopic, SparkplugTracker } from './index.ts';

const T0 = 1_700_000_000_000;

function decode(topic: string, bytes: Uint8Array, tracker = new SparkplugTracker(), dup = false) {
  const result = decodeSparkplugMessage(topic, bytes, tracker, { dup });
  if (!result.ok) throw result.error;
  return result.message;
}

describe('Sparkplug B topics', () => {
  it('reads group, message type, edge node and device', () => {
    expect(parseSparkplugTopic('spBv1.0/Plant1/DDATA/Line4/Filler')).toEqual({
      messageType: 'DDATA',
      groupId: 'Plant1',
      edgeNodeId: 'Line4',
      deviceId: 'Filler',
    });
    expect(parseSparkplugTopic('spBv1.0/Plant1/NBIRTH/Line4')).toEqual({
      messageType: 'NBIRTH',
      groupId: 'Plant1',
      edgeNodeId: 'Line4',
    });
    expect(parseSparkplugTopic('spBv1.0/STATE/scada-1')).toEqual({ messageType: 'STATE', hostId: 'scada-1' });
    expect(parseSparkplugTopic('STATE/scada-1')).toEqual({ messageType: 'STATE', hostId: 'scada-1' });
  });

  it.each([
    ['plant/line4/temp', 'the topic does not start with spBv1.0/'],
    ['spBv1.0/Plant1/NDATA/Line4/Filler', 'a NDATA topic has no device id'],
    ['spBv1.0/Plant1/DDATA/Line4', 'a DDATA topic ends with a device id'],
    ['spBv1.0/Plant1/NOPE/Line4', '"NOPE" is not a Sparkplug message type'],
  ])('refuses %s: %s', (topic, problem) => expect(parseSparkplugTopic(topic)).toEqual({ problem }));
});

describe('Sparkplug B payloads', () => {
  it('decodes an NBIRTH with every scalar type, 64-bit integers as exact decimal strings', () => {
    const bytes = encodeSparkplugPayload({
      timestamp: T0,
      seq: 0,
      metrics: [
        { name: 'bdSeq', alias: 0, datatype: 'Int64', value: 3n },
        { name: 'Counter/Big', alias: 1, datatype: 'UInt64', value: 18446744073709551615n },
        { name: 'Counter/Negative', alias: 2, datatype: 'Int64', value: -9007199254740993n },
        { name: 'Offset', alias: 3, datatype: 'Int8', value: -5 },
        { name: 'Delta', alias: 4, datatype: 'Int32', value: -70000 },
        { name: 'Speed', alias: 5, datatype: 'Float', value: 1.1 },
        { name: 'Ratio', alias: 6, datatype: 'Double', value: 0.1 },
        { name: 'Running', alias: 7, datatype: 'Boolean', value: true },
        { name: 'Recipe', alias: 8, datatype: 'String', value: 'R-100' },
        { name: 'Started', alias: 9, datatype: 'DateTime', value: T0 - 1000 },
        { name: 'Blob', alias: 10, datatype: 'Bytes', value: Uint8Array.of(1, 2, 255) },
        { name: 'Alarm', alias: 11, datatype: 'String', value: null },
        {
          name: 'Setpoint',
          alias: 12,
          datatype: 'Double',
          value: 72.5,
          properties: { engUnit: 'degC', readOnly: true },
        },
      ],
    });
    const message = decode('spBv1.0/Plant1/NBIRTH/Line4', bytes);
    expect(message).toMatchObject({
      messageType: 'NBIRTH',
      groupId: 'Plant1',
      edgeNodeId: 'Line4',
      timestamp: T0,
      seq: 0,
    });
    expect(message.metrics).toEqual([
      { name: 'bdSeq', alias: 0, datatype: 'Int64', value: '3' },
      { name: 'Counter/Big', alias: 1, datatype: 'UInt64', value: '18446744073709551615' },
      { name: 'Counter/Negative', alias: 2, datatype: 'Int64', value: '-9007199254740993' },
      { name: 'Offset', alias: 3, datatype: 'Int8', value: -5 },
      { name: 'Delta', alias: 4, datatype: 'Int32', value: -70000 },
      { name: 'Speed', alias: 5, datatype: 'Float', value: 1.1 },
      { name: 'Ratio', alias: 6, datatype: 'Double', value: 0.1 },
      { name: 'Running', alias: 7, datatype: 'Boolean', value: true },
      { name: 'Recipe', alias: 8, datatype: 'String', value: 'R-100' },
      { name: 'Started', alias: 9, datatype: 'DateTime', value: T0 - 1000 },
      { name: 'Blob', alias: 10, datatype: 'Bytes', value: 'AQL/' },
      { name: 'Alarm', alias: 11, datatype: 'String', value: null, isNull: true },
      {
        name: 'Setpoint',
        alias: 12,
        datatype: 'Double',
        value: 72.5,
        properties: { engUnit: 'degC', readOnly: true },
      },
    ]);
    // The decoded message is plain JSON: it survives the journal unchanged.
    expect(JSON.parse(JSON.stringify(message))).toEqual(message);
  });

  it('resolves DBIRTH aliases in DDATA, per device, and keeps the data type from the birth', () => {
    const tracker = new SparkplugTracker();
    const birth = (device: string, seq: number) =>
      encodeSparkplugPayload({
        timestamp: T0,
        seq,
        metrics: [
          { name: 'Temperature', alias: 100, datatype: 'Int16', value: 20 },
          { name: 'Count', alias: 101, datatype: 'UInt64', value: 1 },
        ],
      });
    decode('spBv1.0/Plant1/NBIRTH/Line4', encodeSparkplugPayload({ seq: 0, metrics: [] }), tracker);
    decode('spBv1.0/Plant1/DBIRTH/Line4/Filler', birth('Filler', 1), tracker);
    const data = encodeSparkplugPayload({
      timestamp: T0 + 5,
      seq: 2,
      metrics: [
        // DATA metrics usually carry only an alias and a value, no name or data type.
        { alias: 100, encodeAs: 'Int16', value: -3, timestamp: T0 + 4 },
        { alias: 101, encodeAs: 'UInt64', value: 12345678901234567890n },
      ],
    });
    const message = decode('spBv1.0/Plant1/DDATA/Line4/Filler', data, tracker);
    expect(message).toMatchObject({ messageType: 'DDATA', deviceId: 'Filler', seq: 2 });
    expect(message.sequenceGap).toBeUndefined();
    expect(message.metrics).toEqual([
      { name: 'Temperature', alias: 100, timestamp: T0 + 4, datatype: 'Int16', value: -3 },
      { name: 'Count', alias: 101, datatype: 'UInt64', value: '12345678901234567890' },
    ]);
  });

  it('leaves an alias unresolved when no BIRTH was seen, decoding the value by its field', () => {
    const data = encodeSparkplugPayload({ seq: 7, metrics: [{ alias: 5, encodeAs: 'Int64', value: -1n }] });
    const message = decode('spBv1.0/Plant1/NDATA/Line4', data);
    // Without the birth the sign is unknown: the raw unsigned value, still exact.
    expect(message.metrics).toEqual([{ alias: 5, value: '18446744073709551615' }]);
  });

  it('decodes data sets and Sparkplug 3.0 arrays', () => {
    const bytes = encodeSparkplugPayload({
      seq: 0,
      metrics: [
        {
          name: 'Batch/Steps',
          datatype: 'DataSet',
          value: {
            columns: ['step', 'qty'],
            types: ['String', 'Int64'],
            rows: [
              ['mix', 5n],
              ['fill', -2n],
            ],
          },
        },
        { name: 'Temps', datatype: 'FloatArray', value: [1.5, -2.25] },
        {
          name: 'Flags',
          datatype: 'BooleanArray',
          value: [false, false, true, true, false, true, false, false, true, true, false, true],
        },
        { name: 'Names', datatype: 'StringArray', value: ['ABC', 'hello'] },
        { name: 'Big', datatype: 'Int64Array', value: [-1n, 9007199254740993n] },
        { name: 'Small', datatype: 'Int16Array', value: [-30000, 30000] },
      ],
    });
    const metrics = decode('spBv1.0/Plant1/NBIRTH/Line4', bytes).metrics as Array<{ value: unknown }>;
    expect(metrics.map((m) => m.value)).toEqual([
      {
        columns: ['step', 'qty'],
        types: ['String', 'Int64'],
        rows: [
          ['mix', '5'],
          ['fill', '-2'],
        ],
      },
      [1.5, -2.25],
      [false, false, true, true, false, true, false, false, true, true, false, true],
      ['ABC', 'hello'],
      ['-1', '9007199254740993'],
      [-30000, 30000],
    ]);
  });

  it('packs boolean arrays as the specification shows', async () => {
    const { packArray } = await import('./encode.ts');
    expect([...packArray(32, [false, false, true, true, false, true, false, false, true, true, false, true])]).toEqual([
      0x0c, 0x00, 0x00, 0x00, 0x34, 0xd0,
    ]);
  });

  it('decodes a host application STATE, JSON (3.0) or text (2.2)', () => {
    const tracker = new SparkplugTracker();
    const json = new TextEncoder().encode(JSON.stringify({ online: true, timestamp: T0 }));
    expect(decode('spBv1.0/STATE/scada-1', json, tracker)).toEqual({
      messageType: 'STATE',
      hostId: 'scada-1',
      online: true,
      timestamp: T0,
    });
    expect(decode('STATE/scada-1', new TextEncoder().encode('OFFLINE'), tracker)).toEqual({
      messageType: 'STATE',
      hostId: 'scada-1',
      online: false,
    });
  });
});

describe('Sparkplug B sequence numbers', () => {
  const topic = (type: string) => `spBv1.0/G/${type}/E${type.startsWith('D') ? '/D1' : ''}`;
  const message = (seq?: number) => encodeSparkplugPayload({ ...(seq === undefined ? {} : { seq }), metrics: [] });

  it('reports a gap with the seq expected and the one received', () => {
    const tracker = new SparkplugTracker();
    expect(decode(topic('NBIRTH'), message(0), tracker).sequenceGap).toBeUndefined();
    expect(decode(topic('DBIRTH'), message(1), tracker).sequenceGap).toBeUndefined();
    expect(decode(topic('DDATA'), message(2), tracker).sequenceGap).toBeUndefined();
    const result = decodeSparkplugMessage(topic('NDATA'), message(5), tracker);
    expect(result).toMatchObject({ ok: true, sequenceGap: { expected: 3, got: 5 } });
    expect(result.ok && result.message.sequenceGap).toEqual({ expected: 3, got: 5 });
    // Counting goes on from what arrived.
    expect(decode(topic('NDATA'), message(6), tracker).sequenceGap).toBeUndefined();
  });

  it('wraps 255 to 0 without a gap, and starts over at NBIRTH and after NDEATH', () => {
    const tracker = new SparkplugTracker();
    decode(topic('NBIRTH'), message(0), tracker);
    for (let seq = 1; seq <= 255; seq++) decode(topic('NDATA'), message(seq), tracker);
    expect(decode(topic('NDATA'), message(0), tracker).sequenceGap).toBeUndefined();
    expect(decode(topic('NDATA'), message(2), tracker).sequenceGap).toEqual({ expected: 1, got: 2 });
    decode(topic('NDEATH'), message(), tracker);
    expect(decode(topic('NBIRTH'), message(0), tracker).sequenceGap).toBeUndefined();
    expect(decode(topic('NDATA'), message(1), tracker).sequenceGap).toBeUndefined();
  });

  it('does not take a redelivered duplicate for a gap', () => {
    const tracker = new SparkplugTracker();
    decode(topic('NBIRTH'), message(0), tracker);
    decode(topic('NDATA'), message(1), tracker);
    expect(decode(topic('NDATA'), message(1), tracker, true).sequenceGap).toBeUndefined();
  });

  it('keeps edge nodes apart', () => {
    const tracker = new SparkplugTracker();
    decode('spBv1.0/G/NBIRTH/A', message(0), tracker);
    decode('spBv1.0/G/NBIRTH/B', message(0), tracker);
    expect(decode('spBv1.0/G/NDATA/A', message(1), tracker).sequenceGap).toBeUndefined();
    expect(decode('spBv1.0/G/NDATA/B', message(1), tracker).sequenceGap).toBeUndefined();
  });
});

describe('malformed Sparkplug B input', () => {
  it('comes back as an error value instead of throwing', () => {
    const tracker = new SparkplugTracker();
    const truncated = encodeSparkplugPayload({
      seq: 1,
      metrics: [{ name: 'x', datatype: 'String', value: 'long enough' }],
    }).slice(0, -4);
    for (const bytes of [truncated, new TextEncoder().encode('{"not":"protobuf"}'), Uint8Array.of(0x12, 0x20, 0x01)]) {
      const result = decodeSparkplugMessage('spBv1.0/G/NDATA/E', bytes, tracker);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.topic).toBe('spBv1.0/G/NDATA/E');
        expect(result.error.code).toBe('SPARKPLUG_DECODE_FAILED');
      }
    }
  });

  it('reports a metric whose array bytes are not whole values', () => {
    const tracker = new SparkplugTracker();
    decode(
      'spBv1.0/G/NBIRTH/E',
      encodeSparkplugPayload({ metrics: [{ name: 'Temps', alias: 1, datatype: 'FloatArray', value: [1] }] }),
      tracker,
    );
    // 3 bytes for a FloatArray (4 bytes per value).
    const data = encodeSparkplugPayload({ metrics: [{ alias: 1, encodeAs: 'Bytes', value: Uint8Array.of(1, 2, 3) }] });
    const result = decodeSparkplugMessage('spBv1.0/G/NDATA/E', data, tracker);
    expect(result).toMatchObject({ ok: false, error: { code: 'SPARKPLUG_DECODE_FAILED' } });
    expect(!result.ok && result.error.message).toContain('a FloatArray of 3 bytes is not whole 4-byte values');
  });

  it('refuses a topic outside the namespace', () => {
    const result = decodeSparkplugMessage('plant/line4', Uint8Array.of(), new SparkplugTracker());
    expect(result).toMatchObject({ ok: false, error: { code: 'SPARKPLUG_TOPIC_INVALID' } });
  });

  it('never throws, whatever the bytes', () => {
    const tracker = new SparkplugTracker();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('NBIRTH', 'NDATA'), (bytes, type) => {
        const result = decodeSparkplugMessage(`spBv1.0/G/${type}/E`, bytes, tracker);
        if (result.ok) JSON.stringify(result.message);
      }),
      { numRuns: 500 },
    );
  });
});
