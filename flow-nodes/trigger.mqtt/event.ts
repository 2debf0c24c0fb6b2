import type { Static } from '@sinclair/typebox';
import { checkSchemaChoice } from '@millrace/canonical';
import { ConfigError, DataError, type Headers, type Logger, type TriggerEvent } from '@millrace/node-sdk';
import type { IncomingMqttMessage } from '../connections/mqtt/subscription.ts';
import { SparkplugTracker, decodeSparkplugMessage } from '@millrace/sparkplug';
import type { definition } from './definition.ts';

type Config = Static<typeof definition.config>;
type Schema = string | Readonly<Record<string, unknown>>;

/** What the trigger hands the engine for one MQTT message, plus what it found wrong. */
export interface BuiltEvent {
  readonly event: TriggerEvent;
  /** Set when the message is marked invalid (it still starts a run). */
  readonly error?: DataError;
}

/**
 * Turns MQTT messages into trigger events. Every message becomes an event whose payloadText is
 *
 *   { "topic": "<topic>", "payload": <decoded body>,
 *     "error"?: <SerializedError>, "raw"?: "<body>", "rawEncoding"?: "utf8" | "base64" }
 *
 * payload is the parsed JSON, the decoded Sparkplug B message or the text (null for an empty
 * message, the way retained messages are cleared). A message that cannot be decoded, is too
 * large or fails the schema is not dropped: it goes on marked, with `error` (a DataError) and,
 * when undecodable, the body as received in `raw`. A flow routes on `msg.payload.error`.
 * Sparkplug state (aliases, seq per edge node) lives in this builder, one per started trigger.
 */
export function eventBuilder(config: Config, log: Logger): (message: IncomingMqttMessage) => BuiltEvent {
  const format = config.format ?? 'json';
  const maxBytes = config.maxPayloadBytes ?? 1048576;
  const schema = config.schema as Schema | undefined;
  if (schema !== undefined) assertUsable(schema);
  const tracker = format === 'sparkplug-b' ? new SparkplugTracker() : undefined;

  return (message) => {
    const { topic } = message;
    let payloadJson = 'null';
    let value: unknown = null;
    let error: DataError | undefined;
    let raw: { text: string; encoding: 'utf8' | 'base64' } | undefined;

    if (message.payload.length > maxBytes) {
      error = new DataError(
        'MQTT_PAYLOAD_TOO_LARGE',
        `The message on ${topic} has ${message.payload.length} bytes, more than the ${maxBytes} allowed.`,
        {
          details: { topic, bytes: message.payload.length, maxPayloadBytes: maxBytes },
        },
      );
    } else if (format === 'sparkplug-b') {
      const result = decodeSparkplugMessage(topic, message.payload, tracker!, { dup: message.dup });
      if (result.ok) {
        value = result.message;
        payloadJson = JSON.stringify(value);
        if (result.sequenceGap) {
          log.warn('Sparkplug B messages from an edge node were lost (seq gap)', { topic, ...result.sequenceGap });
        }
      } else {
        error = new DataError(result.error.code, result.error.message, { details: { topic: result.error.topic } });
        raw = { text: message.payload.toString('base64'), encoding: 'base64' };
      }
    } else if (message.payload.length > 0) {
      const text = utf8(message.payload);
      if (text === undefined) {
        error = new DataError('MQTT_PAYLOAD_NOT_UTF8', `The message on ${topic} is not UTF-8 text.`, {
          details: { topic },
        });
        raw = { text: message.payload.toString('base64'), encoding: 'base64' };
      } else if (format === 'text') {
        value = text;
        payloadJson = JSON.stringify(text);
      } else {
        try {
          value = JSON.parse(text);
          // The body is JSON already: it goes into the event as the very text that arrived.
          payloadJson = text;
        } catch (e) {
          error = new DataError(
            'MQTT_PAYLOAD_NOT_JSON',
            `The message on ${topic} is not JSON: ${(e as Error).message}.`,
            {
              details: { topic },
            },
          );
          raw = { text, encoding: 'utf8' };
        }
      }
    }
    if (!error && schema !== undefined) {
      const problems = checkSchemaChoice(schema, value);
      if (problems.length > 0) {
        error = new DataError('MQTT_PAYLOAD_SCHEMA_MISMATCH', `The message on ${topic} does not match the schema.`, {
          details: { topic, problems: problems.map((p) => ({ pointer: p.pointer, message: p.message })) },
        });
      }
    }

    let payloadText = `{"topic":${JSON.stringify(topic)},"payload":${payloadJson}`;
    if (error) payloadText += `,"error":${JSON.stringify(error.toJSON())}`;
    if (raw) payloadText += `,"raw":${JSON.stringify(raw.text)},"rawEncoding":"${raw.encoding}"`;
    payloadText += '}';
    return {
      event: {
        payloadText,
        headers: headersOf(message, error),
        ...(message.messageId === undefined ? {} : { sourceKey: `${topic}#${message.messageId}` }),
      },
      ...(error ? { error } : {}),
    };
  };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A schema that cannot be compiled fails the trigger's start, not every message. */
function assertUsable(schema: Schema): void {
  try {
    checkSchemaChoice(schema, null);
  } catch (e) {
    throw new ConfigError('MQTT_SCHEMA_INVALID', `The trigger's schema cannot be used: ${(e as Error).message}.`);
  }
}

/**
 * Headers: the topic and MQTT delivery facts, the MQTT 5 properties flows may need (content
 * type, response topic, correlation data as base64, user properties as mqtt-user-<name>), and
 * the error code of a marked message.
 */
function headersOf(message: IncomingMqttMessage, error: DataError | undefined): Headers {
  const h: Record<string, string> = {
    'mqtt-topic': message.topic,
    'mqtt-qos': String(message.qos),
    'mqtt-retain': String(message.retain),
    'mqtt-dup': String(message.dup),
  };
  if (message.messageId !== undefined) h['mqtt-message-id'] = String(message.messageId);
  const p = message.properties;
  if (p?.contentType !== undefined) h['mqtt-content-type'] = p.contentType;
  if (p?.responseTopic !== undefined) h['mqtt-response-topic'] = p.responseTopic;
  if (p?.correlationData !== undefined) h['mqtt-correlation-data'] = Buffer.from(p.correlationData).toString('base64');
  for (const [name, value] of Object.entries(p?.userProperties ?? {})) {
    h[`mqtt-user-${name.toLowerCase()}`] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  if (error) h['mqtt-error-code'] = error.code;
  return h;
}
