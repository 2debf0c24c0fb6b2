// The palette's content: node types grouped by category in a fixed order, filtered by a search.
import type { Catalog, CatalogNodeType, NodeCategory } from '@millrace/flow-model';

export const CATEGORY_ORDER: readonly NodeCategory[] = [
  'trigger',
  'connector',
  'business',
  'transform',
  'routing',
  'resilience',
  'waiting',
];

export const CATEGORY_LABEL: Readonly<Record<NodeCategory, string>> = {
  trigger: 'Triggers',
  connector: 'Connectors',
  business: 'Business',
  transform: 'Transform',
  routing: 'Routing',
  resilience: 'Resilience',
  waiting: 'Waiting',
};

/** Whether a type matches every word of the search, in its title, type id or description. */
export function matches(type: CatalogNodeType, search: string): boolean {
  const hay = `${type.title}\n${type.type}\n${type.description}`.toLowerCase();
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .every((w) => hay.includes(w));
}

/**
 * The groups to show: categories in palette order (unknown ones last), the newest version of
 * each type only, sorted by title; empty groups left out.
 */
export function paletteGroups(
  catalog: Catalog,
  search: string,
): Array<{ category: string; label: string; types: CatalogNodeType[] }> {
  const newest = new Map<string, CatalogNodeType>();
  for (const t of catalog.nodes) {
    const seen = newest.get(t.type);
    if (!seen || seen.version < t.version) newest.set(t.type, t);
  }
  const groups = new Map<string, CatalogNodeType[]>();
  for (const t of newest.values()) {
    if (!matches(t, search)) continue;
    const list = groups.get(t.category) ?? [];
    list.push(t);
    groups.set(t.category, list);
  }
  const rank = (c: string) => {
    const i = (CATEGORY_ORDER as readonly string[]).indexOf(c);
    return i < 0 ? CATEGORY_ORDER.length : i;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || byText(a, b))
    .map(([category, types]) => ({
      category,
      label: CATEGORY_LABEL[category as NodeCategory] ?? category,
      types: types.sort((a, b) => byText(a.title, b.title)),
    }));
}

/**
 * Case-insensitive order of plain titles. Not localeCompare: its first call loads the ICU
 * collator, tens of milliseconds on the way to an editor's first paint.
 */
function byText(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
