import { useEffect, useRef, useState } from 'react';
import { message } from './api-admin.ts';
import { filtersFromSearch, searchOf } from './query.ts';
import { onNavigate } from '../router.ts';

/** One page of a list the server pages with a cursor. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

export type Filters<K extends string> = Partial<Record<K, string>>;

/**
 * A filtered list paged by the server's `next` cursor, with its filters in the page's query
 * string: a search is a link to share, the list follows the address when it changes (the menu's
 * link to the page, back and forward), and an answer that arrives after a newer search
 * started is dropped (a slow search cannot overwrite a quick one). `busy` is true while a page loads, so "Load more" cannot be pressed twice for one page.
 */
export function useSearchPages<K extends string, T>(
  names: readonly K[],
  fetchPage: (filters: Filters<K>, before: string | undefined) => Promise<Page<T>>,
) {
  const fromUrl = () => filtersFromSearch(location.search, names);
  const [filters, setFilters] = useState<Filters<K>>(fromUrl);
  const [draft, setDraft] = useState<Filters<K>>(filters);
  const [items, setItems] = useState<T[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);
  // The page passes a new closure every render; the latest one is the one to call.
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;

  const load = (f: Filters<K>, before?: string) => {
    const mine = ++seq.current;
    setError(undefined);
    setBusy(true);
    fetchRef.current(f, before).then(
      (page) => {
        if (mine !== seq.current) return;
        setItems((old) => (before && old ? [...old, ...page.items] : [...page.items]));
        setNext(page.next);
        setBusy(false);
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        setError(message(e));
        if (!before) setItems([]);
        setBusy(false);
      },
    );
  };

  useEffect(() => load(filters), [filters]);
  // The menu's link to this page, a link from elsewhere in the app, back and forward: the list
  // shows what the address says. Navigations to another page are not ours to follow.
  useEffect(() => {
    const path = location.pathname;
    return onNavigate(() => {
      if (location.pathname !== path) return;
      const f = fromUrl();
      setFilters(f);
      setDraft(f);
    });
  }, []);

  /** Runs the search: the filters become the query string (replacing it, not adding history). */
  const apply = (f: Filters<K>) => {
    const search = searchOf(f, names);
    if (search !== location.search) history.replaceState(null, '', `${location.pathname}${search}`);
    setFilters({ ...f });
  };

  return {
    filters,
    draft,
    /** Changes one field of the form, not yet the search. */
    set: (name: K, value: string) => setDraft((d) => ({ ...d, [name]: value })),
    apply,
    /** Empties the form and runs the unfiltered search. */
    clear: () => {
      setDraft({});
      apply({});
    },
    items,
    next,
    error,
    busy,
    refresh: () => load(filters),
    loadMore: () => {
      if (next && !busy) load(filters, next);
    },
  };
}
