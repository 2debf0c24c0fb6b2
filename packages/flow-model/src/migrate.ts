import type { Checked } from '@millrace/schema';

/** Lifts a document one format version up: from `n` to `n + 1`. Pure; returns a new document. */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

export interface MigrationPlan {
  /** What the document is, for messages: "flow", "plant profile", "pack manifest". */
  readonly kind: string;
  /** The version this code reads and writes. */
  readonly current: number;
  /** Keyed by the version a migration starts from. */
  readonly migrations: Readonly<Record<number, Migration>>;
}

/**
 * The migration hook keyed on `schemaVersion`: older documents are lifted step by step to the
 * current version; newer ones, and older ones with no path up, are refused with a clear reason.
 */
export function migrateDocument(doc: unknown, plan: MigrationPlan): Checked<Record<string, unknown>> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, problems: [{ pointer: '', message: `must be a JSON object (a ${plan.kind})` }] };
  }
  let current = doc as Record<string, unknown>;
  const version = current.schemaVersion;
  if (version === undefined) {
    return { ok: false, problems: [{ pointer: '/schemaVersion', message: 'is required but missing' }] };
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return { ok: false, problems: [{ pointer: '/schemaVersion', message: 'must be a whole number such as 1' }] };
  }
  if (version > plan.current) {
    return {
      ok: false,
      problems: [
        {
          pointer: '/schemaVersion',
          message: `is ${version}, but this Millrace reads ${plan.kind} files up to schemaVersion ${plan.current}; upgrade Millrace to open it`,
        },
      ],
    };
  }
  for (let v = version; v < plan.current; v++) {
    const step = plan.migrations[v];
    if (!step) {
      return {
        ok: false,
        problems: [
          {
            pointer: '/schemaVersion',
            message: `is ${version}, which this Millrace can no longer migrate (no migration from ${plan.kind} schemaVersion ${v})`,
          },
        ],
      };
    }
    current = { ...step(current), schemaVersion: v + 1 };
  }
  return { ok: true, value: current };
}
