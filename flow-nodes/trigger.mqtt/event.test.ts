import { describe, expect, it } from 'vitest';
import { ConfigError } from '@millrace/node-sdk';
import type { IncomingMqttMessage } from '../connections/mqtt/subscription.ts';
import { encodeSparkplugPayload } from '@millrace/sparkplug';
import { eventBuilder } from './event.ts';

type Config = Parameters<typeof eventBuilder>[0];

function collectingLog() {
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  return {
    warnings,
    log: {
      debug() {},
      info() {},
      warn: (message: string, fields?: Record<string, unknown>) =>
        warnings.push({ message, ...(fields ? { fields } : {}) }),
      error() {},
    },
  };
}

function message(
  topic: string,
  payload: string | Uint8Array,
  extra: Partial<IncomingMqttMessage> = {},
): IncomingMqttMessage {
  return { topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false, messageId: 7, ...extra };
}

function build(config: Partial<Config>, m: IncomingMqttMessage) {
  return eventBuilder({ topic: '#', ...config }, collectingLog().log)(m);
}

describe('trigger.mqtt events', () => {
  it('wraps a JSON message as { topic, payload }, keeping the JSON text as it arrived', () => {
    const { event, error } = build({}, message('acme/p100/mes/events/batch', '{"lot": "L-1", "qty": 12.50}'));
    expect(error).toBeUndefined();
    expect(event.payloadText).toBe('{"topic":"acme/p100/mes/events/batch","payload":{"lot": "L-1", "qty": 12.50}}');
    expect(event.sourceKey).toBe('acme/p100/mes/events/batch#7');
    expect(event.headers).toEqual({
      'mqtt-topic': 'acme/p100/mes/events/batch',
      'mqtt-qos': '1',
      'mqtt-retain': 'false',
      'mqtt-dup': 'false',
      'mqtt-message-id': '7',
    });
  });

  it('marks a message that is not JSON instead of dropping it, keeping the text', () => {
    const { event, error } = build({}, message('a/b', 'lot=L-1'));
    expect(error?.code).toBe('MQTT_PAYLOAD_NOT_JSON');
    const payload = JSON.parse(event.payloadText) as Record<string, unknown>;
    expect(payload).toMatchObject({ topic: 'a/b', payload: null, raw: 'lot=L-1', rawEncoding: 'utf8' });
    expect(payload.error).toMatchObject({ category: 'data', code: 'MQTT_PAYLOAD_NOT_JSON', retryable: false });
    expect(event.headers?.['mqtt-error-code']).toBe('MQTT_PAYLOAD_NOT_JSON');
  });

  it('keeps bytes that are not UTF-8 as base64', () => {
    const { event } = build({ format: 'text' }, message('a/b', Uint8Array.of(0xff, 0xfe, 0x00)));
    expect(JSON.parse(event.payloadText)).toMatchObject({
      payload: null,
      raw: '//4A',
      rawEncoding: 'base64',
      error: { code: 'MQTT_PAYLOAD_NOT_UTF8' },
    });
  });

  it('hands an empty message (a cleared retained message) on as payload null, unmarked', () => {
    const { event, error } = build({}, message('a/b', '', { retain: true, qos: 0, messageId: undefined }));
    expect(error).toBeUndefined();
    expect(event.payloadText).toBe('{"topic":"a/b","payload":null}');
    expect(event.sourceKey).toBeUndefined();
    expect(event.headers?.['mqtt-retain']).toBe('true');
  });

  it('reads text as a JSON string', () => {
    expect(build({ format: 'text' }, message('a/b', 'RUNNING')).event.payloadText).toBe(
      '{"topic":"a/b","payload":"RUNNING"}',
    );
  });

  it('marks a message larger than maxPayloadBytes without carrying its body', () => {
    const { event } = build({ maxPayloadBytes: 4 }, message('a/b', '"12345"'));
    const payload = JSON.parse(event.payloadText) as Record<string, unknown>;
    expect(payload).toMatchObject({
      payload: null,
      error: { code: 'MQTT_PAYLOAD_TOO_LARGE', details: { bytes: 7, maxPayloadBytes: 4 } },
    });
    expect(payload.raw).toBeUndefined();
  });

  it('marks a message that fails the schema with every problem, and still passes it on', () => {
    const schema = { type: 'object', required: ['lot'], properties: { lot: { type: 'string' } } };
    const { event, error } = build({ schema }, message('a/b', '{"lot":42}'));
    expect(error?.code).toBe('MQTT_PAYLOAD_SCHEMA_MISMATCH');
    expect(JSON.parse(event.payloadText)).toMatchObject({
      payload: { lot: 42 },
      error: { details: { problems: [{ pointer: '/lot' }] } },
    });
    expect(build({ schema }, message('a/b', '{"lot":"L-1"}')).error).toBeUndefined();
  });

  it('refuses a schema that cannot be compiled when the trigger starts', () => {
    expect(() => eventBuilder({ topic: '#', schema: { type: 'no-such-type' } }, collectingLog().log)).toThrow(
      ConfigError,
    );
  });

  it('decodes Sparkplug B, reports a seq gap in the payload and as a warning', () => {
    const { log, warnings } = collectingLog();
    const toEvent = eventBuilder({ topic: 'spBv1.0/#', format: 'sparkplug-b' }, log);
    const birth = encodeSparkplugPayload({
      seq: 0,
      metrics: [{ name: 'Temp', alias: 1, datatype: 'Double', value: 20 }],
    });
    toEvent(message('spBv1.0/P1/NBIRTH/L4', birth));
    const data = encodeSparkplugPayload({ seq: 3, metrics: [{ alias: 1, encodeAs: 'Double', value: 21.5 }] });
    const payload = JSON.parse(toEvent(message('spBv1.0/P1/NDATA/L4', data)).event.payloadText) as Record<
      string,
      unknown
    >;
    expect(payload).toEqual({
      topic: 'spBv1.0/P1/NDATA/L4',
      payload: {
        messageType: 'NDATA',
        groupId: 'P1',
        edgeNodeId: 'L4',
        seq: 3,
        metrics: [{ name: 'Temp', alias: 1, datatype: 'Double', value: 21.5 }],
        sequenceGap: { expected: 1, got: 3 },
      },
    });
    expect(warnings).toEqual([
      {
        message: 'Sparkplug B messages from an edge node were lost (seq gap)',
        fields: { topic: 'spBv1.0/P1/NDATA/L4', expected: 1, got: 3 },
      },
    ]);
  });

  it('marks a malformed Sparkplug B payload and keeps its bytes', () => {
    const { event, error } = build(
      { format: 'sparkplug-b' },
      message('spBv1.0/P1/NDATA/L4', Uint8Array.of(0x12, 0x20, 0x01)),
    );
    expect(error?.code).toBe('SPARKPLUG_DECODE_FAILED');
    expect(JSON.parse(event.payloadText)).toMatchObject({ payload: null, raw: 'EiAB', rawEncoding: 'base64' });
  });

  it('carries MQTT 5 properties in headers', () => {
    const m = message('a/b', '{}', {
      properties: {
        contentType: 'application/json',
        responseTopic: 'a/reply',
        correlationData: Buffer.from('c-1'),
        userProperties: { 'Trace-Id': 't-1', tag: ['x', 'y'] },
      },
    });
    expect(build({}, m).event.headers).toMatchObject({
      'mqtt-content-type': 'application/json',
      'mqtt-response-topic': 'a/reply',
      'mqtt-correlation-data': Buffer.from('c-1').toString('base64'),
      'mqtt-user-trace-id': 't-1',
      'mqtt-user-tag': 'x, y',
    });
  });
});
