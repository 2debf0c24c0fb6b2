import { memo } from 'react';
import type { Flow } from '@millrace/flow-model';

/**
 * The flow's own name and description, shown while no node is selected. Each edit is a change of
 * the flow (undoable; a burst of typing is one step). The version is set when publishing.
 */
function FlowPropertiesView({
  flow,
  readOnly,
  onChange,
}: {
  flow: Flow;
  readOnly: boolean;
  onChange(next: Flow, key: string): void;
}) {
  return (
    <section className="flow-properties" aria-labelledby="flow-props-title">
      <h3 id="flow-props-title">Flow</h3>
      <p className="hint">Select a node to inspect it.</p>
      <label>
        Flow name
        <input
          value={flow.name}
          readOnly={readOnly}
          aria-invalid={flow.name.trim() === ''}
          onChange={(e) => onChange({ ...flow, name: e.target.value }, 'flow-name')}
        />
      </label>
      {flow.name.trim() === '' && <small role="alert">A flow needs a name.</small>}
      <label>
        Description
        <textarea
          value={flow.description ?? ''}
          readOnly={readOnly}
          rows={3}
          onChange={(e) => {
            const { description: _old, ...rest } = flow;
            onChange(e.target.value === '' ? rest : { ...flow, description: e.target.value }, 'flow-description');
          }}
        />
      </label>
      <p>
        Version <code>{flow.version}</code> · {flow.nodes.length} nodes · {flow.edges.length} edges
      </p>
    </section>
  );
}

export const FlowProperties = memo(FlowPropertiesView);
