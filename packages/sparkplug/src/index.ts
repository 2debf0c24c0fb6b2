export {
  decodeSparkplugMessage,
  type SparkplugMessage,
  type SparkplugResult,
  type SparkplugDecodeError,
} from './decode.ts';
export { encodeSparkplugPayload, type MetricInput, type PayloadInput, type DataSetInput } from './encode.ts';
export { SparkplugTracker, type SequenceGap } from './tracker.ts';
export { parseSparkplugTopic, NAMESPACE, type SparkplugTopic, type SparkplugMessageType } from './topic.ts';
export { DATATYPES, type DataTypeName } from './datatypes.ts';
export { SPARKPLUG_B_PROTO } from './proto.ts';
export type { Json } from './values.ts';
