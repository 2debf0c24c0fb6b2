import { memo, useMemo, useState, type DragEvent } from 'react';
import type { Catalog, CatalogNodeType } from '@millrace/flow-model';
import { DRAG_MIME } from './EditorCanvas.tsx';
import { paletteGroups } from './palette.ts';

/**
 * The node types to add: grouped by category, searchable. Drag one onto the canvas, or press
 * Enter (or click) on it to add it in the middle of the visible canvas.
 */
function PaletteView({ catalog, onAdd }: { catalog: Catalog; onAdd(type: CatalogNodeType): void }) {
  const [search, setSearch] = useState('');
  const groups = useMemo(() => paletteGroups(catalog, search), [catalog, search]);
  const onDragStart = (e: DragEvent, t: CatalogNodeType) => {
    e.dataTransfer.setData(DRAG_MIME, `${t.type}@${t.version}`);
    e.dataTransfer.setData('text/plain', t.type);
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <aside className="palette" aria-label="Node palette">
      <h3 id="palette-title">Nodes</h3>
      <input
        type="search"
        aria-label="Search node types"
        placeholder="Search nodes…"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {groups.length === 0 && <p className="hint">No node type matches “{search}”.</p>}
      {groups.map((g) => (
        <section key={g.category} aria-labelledby={`palette-${g.category}`}>
          <h4 id={`palette-${g.category}`}>{g.label}</h4>
          <ul>
            {g.types.map((t) => (
              <li key={t.type}>
                <button
                  type="button"
                  draggable
                  onDragStart={(e) => onDragStart(e, t)}
                  onClick={() => onAdd(t)}
                  title={`${t.type}: ${t.description}`}
                  aria-label={`Add ${t.title} (${t.type})`}
                  data-node-type={t.type}
                >
                  <span className="palette-title">{t.title}</span>
                  <span className="palette-type">{t.type}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}

export const Palette = memo(PaletteView);
