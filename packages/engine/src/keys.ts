import { createHash } from 'node:crypto';

/**
 * Step keys: the path of node ids from the trigger to the step, with `@port#index` on a segment
 * when one parent sends several messages to the same node. Deterministic, so a step has the
 * same key on every worker, after a crash and on replay.
 */
export function childKey(
  parentKey: string | null,
  nodeId: string,
  port: string,
  index: number,
  ambiguous: boolean,
): string {
  const segment = ambiguous ? `${nodeId}@${port}#${index}` : nodeId;
  return parentKey === null ? segment : `${parentKey}/${segment}`;
}

/** The node id of the last segment of a step key. */
export function nodeOfKey(key: string): string {
  const last = key.slice(key.lastIndexOf('/') + 1);
  const at = last.indexOf('@');
  return at === -1 ? last : last.slice(0, at);
}

/**
 * The idempotency key a node sends to remote systems for one step: stable across attempts,
 * restarts and replays of that step, different for every other step. Long paths are hashed so
 * the header stays short.
 */
export function stepIdempotencyKey(runId: number, key: string): string {
  const tail = key.length <= 80 ? key : createHash('sha256').update(key).digest('base64url').slice(0, 22);
  return `mr-${runId}-${tail}`;
}

/**
 * The key of the nearest step of node `nodeId` on the path of step `key` (its ancestors), or
 * undefined when the path has none.
 */
export function ancestorKey(key: string, nodeId: string): string | undefined {
  const segments = key.split('/');
  for (let i = segments.length - 2; i >= 0; i--) {
    if (nodeOfKey(segments[i]!) === nodeId) return segments.slice(0, i + 1).join('/');
  }
  return undefined;
}
