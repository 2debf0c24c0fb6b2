import { useEffect, useState } from 'react';
import { call } from '../api.ts';
import type { CanonicalSchema } from '../monaco/dts.ts';

let canonical: Promise<readonly CanonicalSchema[]> | undefined;

/** The canonical schemas (GET /api/canonical), fetched once per page load: they change only with a release. */
export function loadCanonical(): Promise<readonly CanonicalSchema[]> {
  canonical ??= call<{ schemas: CanonicalSchema[] }>('GET', '/api/canonical').then(
    (r) => r.schemas,
    (e: unknown) => {
      canonical = undefined; // Try again next time rather than keep a failure.
      throw e;
    },
  );
  return canonical;
}

/** The canonical schemas, empty until loaded; an error message when they could not be. */
export function useCanonical(): { schemas: readonly CanonicalSchema[]; error?: string } {
  const [state, setState] = useState<{ schemas: readonly CanonicalSchema[]; error?: string }>({ schemas: [] });
  useEffect(() => {
    let current = true;
    loadCanonical().then(
      (schemas) => current && setState({ schemas }),
      (e: unknown) => current && setState({ schemas: [], error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      current = false;
    };
  }, []);
  return state;
}
