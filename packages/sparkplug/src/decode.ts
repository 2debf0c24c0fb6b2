import { sparkplugPayloadType } from './proto.ts';
import { parseSparkplugTopic } from './topic.ts';
import type { SequenceGap, SparkplugTracker } from './tracker.ts';
import { convertMetric, safeNumber, type Json, type Raw } from './values.ts';

/** A decoded Sparkplug message: what trigger.mqtt hands on as `payload`. */
export type SparkplugMessage = { [key: string]: Json };

export type SparkplugResult =
  | { readonly ok: true; readonly message: SparkplugMessage; readonly sequenceGap?: SequenceGap }
  | { readonly ok: false; readonly error: SparkplugDecodeError };

/** Why a message could not be read, as data (the caller wraps it in its own error type). */
export interface SparkplugDecodeError {
  readonly code: 'SPARKPLUG_TOPIC_INVALID' | 'SPARKPLUG_DECODE_FAILED';
  readonly message: string;
  readonly topic: string;
}

/**
 * Decodes one Sparkplug B message into plain JSON: where it comes from (message type, group,
 * edge node, device), the payload's timestamp, seq and uuid, and its metrics with name, alias,
 * timestamp, data type and value. DATA metrics sent by alias get the name and data type their
 * BIRTH declared. A seq that does not follow the edge node's previous one is reported as
 * `sequenceGap: { expected, got }`. Never throws: a topic outside the namespace or bytes that
 * are not a Sparkplug payload come back as an error value.
 */
export function decodeSparkplugMessage(
  topic: string,
  bytes: Uint8Array,
  tracker: SparkplugTracker,
  options: { readonly dup?: boolean } = {},
): SparkplugResult {
  const where = parseSparkplugTopic(topic);
  if ('problem' in where)
    return failed('SPARKPLUG_TOPIC_INVALID', `${topic} is not a Sparkplug B topic: ${where.problem}.`, topic);
  if (where.messageType === 'STATE') return hostState(where.hostId, bytes, topic);

  let raw: Raw;
  try {
    const type = sparkplugPayloadType();
    raw = type.toObject(type.decode(bytes), { longs: String, oneofs: true }) as Raw;
  } catch (e) {
    return failed(
      'SPARKPLUG_DECODE_FAILED',
      `The payload on ${topic} is not a Sparkplug B payload: ${messageOf(e)}.`,
      topic,
    );
  }
  const { groupId, edgeNodeId, deviceId, messageType } = where;
  const metrics = (raw.metrics as Raw[] | undefined) ?? [];
  if (messageType === 'NBIRTH' || messageType === 'DBIRTH') tracker.birth(groupId, edgeNodeId, deviceId, metrics);

  const message: SparkplugMessage = { messageType, groupId, edgeNodeId };
  if (deviceId !== undefined) message.deviceId = deviceId;
  try {
    if (raw.timestamp !== undefined) message.timestamp = safeNumber(BigInt(raw.timestamp as string));
    if (raw.seq !== undefined) message.seq = safeNumber(BigInt(raw.seq as string));
    if (raw.uuid !== undefined) message.uuid = raw.uuid as string;
    if (raw.body !== undefined) message.body = Buffer.from(raw.body as Uint8Array).toString('base64');
    message.metrics = metrics.map((m) => convertMetric(m, tracker.known(groupId, edgeNodeId, deviceId, m)));
  } catch (e) {
    return failed(
      'SPARKPLUG_DECODE_FAILED',
      `The payload on ${topic} has a metric that cannot be read: ${messageOf(e)}.`,
      topic,
    );
  }
  const seq = typeof message.seq === 'number' ? message.seq : undefined;
  const sequenceGap = tracker.sequence(groupId, edgeNodeId, messageType, seq, options.dup ?? false);
  if (!sequenceGap) return { ok: true, message };
  message.sequenceGap = { expected: sequenceGap.expected, got: sequenceGap.got };
  return { ok: true, message, sequenceGap };
}

/**
 * A host application's STATE: JSON `{ online, timestamp }` in Sparkplug 3.0, the text ONLINE or
 * OFFLINE in 2.2.
 */
function hostState(hostId: string, bytes: Uint8Array, topic: string): SparkplugResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
  } catch {
    return failed('SPARKPLUG_DECODE_FAILED', `The STATE payload on ${topic} is not UTF-8 text.`, topic);
  }
  if (text === 'ONLINE' || text === 'OFFLINE')
    return { ok: true, message: { messageType: 'STATE', hostId, online: text === 'ONLINE' } };
  try {
    const state = JSON.parse(text) as unknown;
    if (typeof state === 'object' && state !== null && !Array.isArray(state)) {
      return { ok: true, message: { messageType: 'STATE', hostId, ...(state as { [key: string]: Json }) } };
    }
  } catch {
    // Reported below.
  }
  return failed('SPARKPLUG_DECODE_FAILED', `The STATE payload on ${topic} is neither JSON nor ONLINE/OFFLINE.`, topic);
}

function failed(code: SparkplugDecodeError['code'], message: string, topic: string): SparkplugResult {
  return { ok: false, error: { code, message, topic } };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
