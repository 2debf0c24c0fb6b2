/**
 * MQTT topic names and filters (MQTT 3.1.1 §4.7, MQTT 5 §4.7): levels separated by "/", "+"
 * matches one whole level, "#" the rest and only as the last level. Empty levels are legal.
 */

/**
 * A topic filter as a JSON Schema pattern, so a flow with a bad filter fails publishable
 * validation with the field named, before any broker sees it. A "$share/" prefix is refused:
 * shared subscriptions are configured with `sharedGroup`, which keeps the filter matchable.
 */
export const TOPIC_FILTER_PATTERN = '^(?!\\$share/)(?:(?:\\+|[^+#/\\u0000]*)/)*(?:\\+|#|[^+#/\\u0000]*)$';

/**
 * A topic to publish to that may hold `{{ expression }}` parts: no wildcard or NUL outside them.
 * What the expressions give is checked when the step runs.
 */
export const PUBLISH_TOPIC_PATTERN = '^(?:[^+#{\\u0000]|\\{(?!\\{)|\\{\\{(?:[^}]|\\}(?!\\}))*\\}\\})+$';

/** A shared-subscription group name: one level, no wildcards (MQTT 5 §4.8.2). */
export const SHARE_GROUP_PATTERN = '^[^/+#\\u0000]+$';

const FILTER = new RegExp(TOPIC_FILTER_PATTERN, 'u');
const MAX_BYTES = 65535;

/** Why a topic filter is not valid, or undefined when it is. */
export function topicFilterProblem(filter: string): string | undefined {
  if (filter === '') return 'a topic filter must not be empty';
  if (Buffer.byteLength(filter) > MAX_BYTES) return `a topic filter must not exceed ${MAX_BYTES} bytes`;
  if (filter.startsWith('$share/')) return 'use sharedGroup instead of writing "$share/" into the filter';
  if (!FILTER.test(filter)) {
    return filter.includes('\u0000')
      ? 'a topic filter must not contain the NUL character'
      : '"+" must fill a whole level and "#" must be the whole last level';
  }
  return undefined;
}

/** Why a topic name (what a message is published to) is not valid, or undefined when it is. */
export function topicNameProblem(topic: string): string | undefined {
  if (topic === '') return 'a topic must not be empty';
  if (Buffer.byteLength(topic) > MAX_BYTES) return `a topic must not exceed ${MAX_BYTES} bytes`;
  if (/[+#]/.test(topic)) return 'a topic to publish to must not contain the wildcards "+" or "#"';
  if (topic.includes('\u0000')) return 'a topic must not contain the NUL character';
  return undefined;
}

/**
 * Whether a topic matches a filter. Topics starting with "$" ($SYS/…) are not matched by a
 * filter starting with a wildcard, as brokers do (MQTT 3.1.1 §4.7.2).
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    // "#" also matches the parent level itself: "a/#" matches "a".
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The filter as subscribed: `$share/<group>/<filter>` for a shared subscription. */
export function subscriptionFilter(filter: string, sharedGroup?: string): string {
  return sharedGroup ? `$share/${sharedGroup}/${filter}` : filter;
}
