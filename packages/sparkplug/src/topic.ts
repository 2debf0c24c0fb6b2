/** Sparkplug B topic namespace (Sparkplug 3.0.0 chapter 4). */
export const NAMESPACE = 'spBv1.0';

export type SparkplugMessageType =
  'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD' | 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD' | 'STATE';

const NODE_TYPES = new Set(['NBIRTH', 'NDEATH', 'NDATA', 'NCMD']);
const DEVICE_TYPES = new Set(['DBIRTH', 'DDEATH', 'DDATA', 'DCMD']);

/** Where a Sparkplug message comes from, read off its topic. */
export type SparkplugTopic =
  | {
      readonly messageType: Exclude<SparkplugMessageType, 'STATE'>;
      readonly groupId: string;
      readonly edgeNodeId: string;
      /** D* messages only. */
      readonly deviceId?: string;
    }
  | { readonly messageType: 'STATE'; readonly hostId: string };

/**
 * Parses `spBv1.0/<group>/<type>/<edge node>[/<device>]` and the host application's
 * `spBv1.0/STATE/<host>` (also Sparkplug 2.2's `STATE/<host>`). A device id is required for D*
 * messages and not allowed for N* messages. Returns the reason when the topic is not Sparkplug.
 */
export function parseSparkplugTopic(topic: string): SparkplugTopic | { readonly problem: string } {
  const levels = topic.split('/');
  if (levels[0] === 'STATE' && levels.length === 2 && levels[1]) return { messageType: 'STATE', hostId: levels[1] };
  if (levels[0] !== NAMESPACE) return { problem: `the topic does not start with ${NAMESPACE}/` };
  if (levels[1] === 'STATE') {
    return levels.length === 3 && levels[2]
      ? { messageType: 'STATE', hostId: levels[2] }
      : { problem: `a STATE topic is ${NAMESPACE}/STATE/<host id>` };
  }
  const [, groupId, type, edgeNodeId, deviceId] = levels;
  if (!groupId || !type || !edgeNodeId)
    return { problem: `the topic is not ${NAMESPACE}/<group>/<type>/<edge node>[/<device>]` };
  if (NODE_TYPES.has(type)) {
    if (levels.length !== 4) return { problem: `a ${type} topic has no device id` };
    return { messageType: type as 'NDATA', groupId, edgeNodeId };
  }
  if (DEVICE_TYPES.has(type)) {
    if (levels.length !== 5 || !deviceId) return { problem: `a ${type} topic ends with a device id` };
    return { messageType: type as 'DDATA', groupId, edgeNodeId, deviceId };
  }
  return { problem: `"${type}" is not a Sparkplug message type` };
}
