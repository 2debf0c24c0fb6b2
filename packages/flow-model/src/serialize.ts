import { stableStringify } from '@millrace/schema';

const RETRY = ['maxAttempts', 'initialMs', 'multiplier', 'maxMs', 'jitter', 'nonRetryableCodes'];
const SCHEMA = ['$schema', '$id', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties'];

/** Key order of a flow file: identity first, graph next, layout last (kept apart from the graph). */
function flowKeyOrder(path: readonly string[]): readonly string[] | undefined {
  const [a, b, c, d] = path;
  switch (path.length) {
    case 0:
      return [
        'schemaVersion',
        'id',
        'name',
        'version',
        'description',
        'owner',
        'params',
        'connections',
        'settings',
        'nodes',
        'edges',
        'layout',
      ];
    case 1:
      if (a === 'owner') return ['team', 'contact'];
      if (a === 'settings') return ['idempotencyKey', 'businessKeys', 'orderBy', 'concurrency', 'timeoutMs', 'retry'];
      if (a === 'params') return SCHEMA;
      return undefined;
    case 2:
      if (a === 'nodes' && b === '[]')
        return ['id', 'type', 'version', 'name', 'description', 'connection', 'onError', 'disabled', 'retry', 'config'];
      if (a === 'edges' && b === '[]') return ['id', 'from', 'to'];
      if (a === 'layout') return ['x', 'y', 'width', 'height'];
      if (a === 'connections') return ['type', 'description'];
      if (a === 'settings' && b === 'retry') return RETRY;
      return a === 'params' ? SCHEMA : undefined;
    case 3:
      if (a === 'edges' && (c === 'from' || c === 'to')) return ['node', 'port'];
      if (a === 'nodes' && c === 'retry') return RETRY;
      return a === 'params' ? SCHEMA : undefined;
    default:
      return a === 'params' && d !== undefined ? SCHEMA : undefined;
  }
}

/**
 * The canonical text of a flow: stable key order (config keys sorted, arrays as they are), two
 * spaces, final newline. Saving an unchanged flow gives the same bytes.
 */
export function serializeFlow(flow: unknown): string {
  return stableStringify(flow, flowKeyOrder);
}

export function serializeProfile(profile: unknown): string {
  return stableStringify(profile, (path) => {
    if (path.length === 0)
      return ['schemaVersion', 'plant', 'name', 'description', 'timezone', 'params', 'connections'];
    if (path.length === 2 && path[0] === 'connections') return ['type', 'baseUrl', 'url', 'auth'];
    return undefined;
  });
}

export function serializePackManifest(manifest: unknown): string {
  return stableStringify(manifest, (path) =>
    path.length === 0
      ? ['schemaVersion', 'name', 'version', 'description', 'flows', 'profiles', 'tests', 'requires', 'sha256']
      : undefined,
  );
}
