import type { FlowDiff } from '@millrace/flow-model';
import { changeList, diffSummary } from './diff-view.ts';
import './canvas-diff.css';

/**
 * A semantic diff in words: a summary line, then each change (nodes with their changed fields,
 * old → new; edges; flow settings). With `onSelect`, a change about a node is a button.
 */
export function DiffList({
  diff,
  names,
  onSelect,
  label,
}: {
  diff: FlowDiff;
  names?: ReadonlyMap<string, string>;
  onSelect?: (node: string) => void;
  label: string;
}) {
  const list = changeList(diff, names);
  return (
    <div className="diff-list">
      <p data-testid="diff-summary">{diffSummary(diff)}</p>
      {list.length > 0 && (
        <ul aria-label={label}>
          {list.map((c) => (
            <li key={c.key} className={`change change-${c.kind}`}>
              <span className={`diff-tag diff-tag-${c.kind}`}>{c.kind}</span>{' '}
              {onSelect && c.node ? (
                <button
                  type="button"
                  className="link"
                  onClick={() => onSelect(c.node!)}
                  aria-label={`${c.title}: show on the canvas`}
                >
                  {c.title}
                </button>
              ) : (
                c.title
              )}
              {c.details.length > 0 && (
                <ul>
                  {c.details.map((d, i) => (
                    <li key={i}>
                      <code>{d}</code>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
