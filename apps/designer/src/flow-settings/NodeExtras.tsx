// Two inspector rows a power user expects beside the generated form: renaming a node (its edges
// and layout follow, in the editor) and editing its whole configuration as JSON.
import { useEffect, useId, useState } from 'react';
import type { Flow, FlowNode } from '@millrace/flow-model';

/** Why `id` cannot name a node of `flow` other than `current`, or undefined when it can. */
export function nodeIdProblem(flow: Flow, current: string, id: string): string | undefined {
  if (id === current) return undefined;
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(id) || id.length > 64)
    return 'a letter, then letters, digits, "_" or "-" (at most 64)';
  if (flow.nodes.some((n) => n.id === id)) return `another node is called ${id}`;
  return undefined;
}

/** A JSON text that must be an object: the value, or why not. */
export function parseConfig(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, error: 'the configuration is a JSON object ({ … })' };
  return { ok: true, value: value as Record<string, unknown> };
}

/** The node's id, editable: committed on Enter or leaving the field, refused with a reason. */
export function NodeIdField({
  flow,
  node,
  readOnly,
  onRename,
}: {
  flow: Flow;
  node: FlowNode;
  readOnly: boolean;
  onRename(id: string): void;
}) {
  const id = useId();
  const [text, setText] = useState(node.id);
  useEffect(() => setText(node.id), [node.id]);
  const problem = nodeIdProblem(flow, node.id, text);
  const commit = () => {
    if (text !== node.id && !problem) onRename(text);
  };
  return (
    <div className="field">
      <label htmlFor={id}>Id</label>
      <input
        id={id}
        type="text"
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        aria-invalid={problem !== undefined}
        aria-describedby={`${id}-help`}
        onChange={(e) => setText(e.target.value.trim())}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setText(node.id);
        }}
      />
      <small id={`${id}-help`} className={problem ? 'field-error' : 'field-help'}>
        {problem ?? 'Edges, tests and replays name the node by its id; renaming keeps its edges.'}
      </small>
    </div>
  );
}

/** The whole configuration as JSON text, applied as one change when it parses to an object. */
export function ConfigJson({
  node,
  readOnly,
  onApply,
}: {
  node: FlowNode;
  readOnly: boolean;
  onApply(config: Record<string, unknown>): void;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const parsed = parseConfig(text);
  return (
    <div className="field config-json">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => {
          if (!open) setText(JSON.stringify(node.config, null, 2));
          setOpen(!open);
        }}
      >
        {open ? 'Close the JSON' : 'Edit as JSON'}
      </button>
      {open && (
        <div id={id} className="config-json-body">
          <label htmlFor={`${id}-text`}>Configuration of {node.id} as JSON</label>
          <textarea
            id={`${id}-text`}
            rows={12}
            value={text}
            readOnly={readOnly}
            spellCheck={false}
            aria-invalid={!parsed.ok}
            aria-describedby={`${id}-help`}
            onChange={(e) => setText(e.target.value)}
          />
          <small id={`${id}-help`} className={parsed.ok ? 'field-help' : 'field-error'}>
            {parsed.ok ? 'Applied as one change (undo brings the form back).' : parsed.error}
          </small>
          {!readOnly && (
            <button
              type="button"
              disabled={!parsed.ok}
              onClick={() => {
                if (!parsed.ok) return;
                onApply(parsed.value);
                setOpen(false);
              }}
            >
              Apply JSON
            </button>
          )}
        </div>
      )}
    </div>
  );
}
