// Which two versions the history page compares by default, and what a version row offers. Pure.
import { compareVersions } from './versions.ts';

export const DRAFT = 'draft';

/**
 * The default comparison: the newest published version against the draft when there is one
 * (what the next publish would change), else the previous version against the newest; a single
 * version against itself.
 */
export function defaultPair(versions: readonly string[], hasDraft: boolean): { from: string; to: string } | undefined {
  const sorted = [...versions].sort(compareVersions);
  const latest = sorted.at(-1);
  if (latest === undefined) return undefined;
  if (hasDraft) return { from: latest, to: DRAFT };
  return { from: sorted.at(-2) ?? latest, to: latest };
}

/** The status change a version allows: published → deprecated → retired. */
export function nextStatus(status: string): 'deprecate' | 'retire' | undefined {
  if (status === 'published') return 'deprecate';
  if (status === 'deprecated') return 'retire';
  return undefined;
}

/** A digest shortened for a table, the whole one kept for a tooltip. */
export const shortDigest = (d: string) => (d.length > 12 ? `${d.slice(0, 12)}…` : d);
