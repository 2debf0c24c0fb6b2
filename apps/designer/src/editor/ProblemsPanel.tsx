import { memo } from 'react';
import type { Flow, Problem } from '@millrace/flow-model';
import { describeWhere, problemTarget, type ProblemTarget } from './problems.ts';

export interface ValidationState {
  /** The problems of the flow as last validated, and that flow (their pointers index into it). */
  readonly problems: readonly Problem[];
  readonly flow: Flow | undefined;
  readonly status: 'idle' | 'checking' | 'checked' | 'stale' | 'error';
  readonly revision?: number;
  readonly error?: string;
}

/**
 * The validation problems (publishable level): each with where it is; a click (or Enter) on one
 * selects its node, centres it and opens the inspector.
 */
function ProblemsPanelView({
  validation,
  onPick,
}: {
  validation: ValidationState;
  onPick(target: ProblemTarget): void;
}) {
  const { problems, flow, status } = validation;
  const head =
    status === 'checking'
      ? 'checking…'
      : status === 'error'
        ? 'could not check'
        : status === 'idle'
          ? 'not checked yet: checked after each save'
          : problems.length === 0
            ? `none${validation.revision !== undefined ? ` (revision ${validation.revision})` : ''}`
            : `${problems.length}${validation.revision !== undefined ? ` (revision ${validation.revision})` : ''}${status === 'stale' ? ', changed since' : ''}`;
  return (
    <section className="problems-panel" aria-labelledby="problems-title">
      <h3 id="problems-title">
        Problems <small aria-live="polite">{head}</small>
      </h3>
      {validation.error && <p role="alert">{validation.error}</p>}
      {problems.length > 0 && flow && (
        <ul aria-label="Validation problems">
          {problems.map((p, i) => {
            const target = problemTarget(p, flow);
            const where = describeWhere(p, flow);
            return (
              <li key={`${i}:${p.pointer}:${p.message}`}>
                {target.nodeId === undefined && target.edgeId === undefined ? (
                  <span className="problem">
                    <span className="problem-where">{where}</span> <span className="problem-message">{p.message}</span>
                  </span>
                ) : (
                  <button
                    type="button"
                    className="problem"
                    onClick={() => onPick(target)}
                    aria-label={`${where}: ${p.message}`}
                  >
                    <span className="problem-where">{where}</span> <span className="problem-message">{p.message}</span>
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export const ProblemsPanel = memo(ProblemsPanelView);
