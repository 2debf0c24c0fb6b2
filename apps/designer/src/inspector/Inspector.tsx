import { useMemo } from 'react';
import { findNodeType, RetryPolicy, type Catalog, type Flow, type FlowNode, type Problem } from '@millrace/flow-model';
import { ConfigJson, NodeIdField } from '../flow-settings/NodeExtras.tsx';
import { scopeDeclarations } from '../monaco/dts.ts';
import { useCanonical } from './api-inspector.ts';
import { fieldId, FieldView, type FormContext } from './fields.tsx';
import { allFields, assignProblems, buildForm, setAtPointer, type Field } from './form-model.ts';
import { nodeProblems } from './problems.ts';
import { inputPayloadSchemas, upstreamNodeIds } from './upstream.ts';
import './inspector.css';

export interface InspectorProps {
  flow: Flow;
  nodeId: string;
  catalog: Catalog;
  problems: readonly Problem[];
  readOnly: boolean;
  onChange(next: FlowNode): void;
}

function TextRow(props: {
  node: FlowNode;
  name: 'name' | 'description';
  label: string;
  ctx: FormContext;
  multiline?: boolean;
}) {
  const { node, ctx } = props;
  const id = fieldId(node.id, `/${props.name}`);
  const messages = ctx.problemsAt.get(`/${props.name}`) ?? [];
  const errorId = `${id}-error`;
  const common = {
    id,
    value: node[props.name] ?? '',
    readOnly: ctx.readOnly,
    'aria-invalid': messages.length > 0 || undefined,
    'aria-describedby': messages.length > 0 ? errorId : undefined,
    onChange: (e: { target: { value: string } }) => ctx.set(`/${props.name}`, e.target.value || undefined),
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? <textarea rows={2} {...common} /> : <input type="text" {...common} />}
      {messages.length > 0 && (
        <span id={errorId} className="field-error">
          {messages.map((m) => `${props.label} ${m}`).join(' · ')}
        </span>
      )}
    </div>
  );
}

function ConnectionRow(props: {
  flow: Flow;
  node: FlowNode;
  types: readonly string[];
  required: boolean;
  ctx: FormContext;
}) {
  const { flow, node, ctx } = props;
  const id = fieldId(node.id, '/connection');
  const slots = Object.entries(flow.connections ?? {})
    .filter(([, slot]) => props.types.includes(slot.type))
    .map(([name]) => name);
  const current = node.connection ?? '';
  const all = current !== '' && !slots.includes(current) ? [current, ...slots] : slots;
  const messages = ctx.problemsAt.get('/connection') ?? [];
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>Connection{props.required && <abbr title="required"> *</abbr>}</label>
      <select
        id={id}
        value={current}
        disabled={ctx.readOnly}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={[helpId, messages.length > 0 ? errorId : ''].filter(Boolean).join(' ')}
        onChange={(e) => ctx.set('/connection', e.target.value || undefined)}
      >
        <option value="">— none —</option>
        {all.map((s) => (
          <option key={s} value={s}>
            {s}
            {slots.includes(s) ? ` (${flow.connections?.[s]?.type ?? ''})` : ' (not a slot of this flow)'}
          </option>
        ))}
      </select>
      <small id={helpId} className="field-help">
        A connection slot of this flow of type {props.types.join(' or ')}; each plant’s profile binds it to an endpoint.
        {slots.length === 0 && ' This flow declares no such slot yet.'}
      </small>
      {messages.length > 0 && (
        <span id={errorId} className="field-error">
          {messages.map((m) => `Connection ${m}`).join(' · ')}
        </span>
      )}
    </div>
  );
}

function labelPath(fields: readonly Field[], pointer: string): string {
  const f = fields.find((x) => x.pointer === pointer);
  return f?.label ?? '';
}

/**
 * The node inspector: the selected node's name, type, connection, retry policy and its config
 * as a form generated from the node type's JSON Schema, with the flow's problems for the node
 * next to the fields they are about.
 */
export function Inspector(props: InspectorProps) {
  const { flow, nodeId, catalog, readOnly, onChange } = props;
  const node = flow.nodes.find((n) => n.id === nodeId);
  const type = node ? findNodeType(catalog, node.type, node.version) : undefined;
  const canonical = useCanonical();

  // Recomputed only when what feeds the types changes, not on every keystroke in the node.
  const payloads = node ? inputPayloadSchemas(flow, catalog, node.id) : [];
  const scopeKey = JSON.stringify([payloads, flow.params ?? null]);
  // And only when a code field asks: most nodes have none, and the canonical types take a while.
  const declarations = useMemo(() => {
    let text: string | undefined;
    return () => {
      if (text === undefined) {
        const [p, params] = JSON.parse(scopeKey) as [typeof payloads, Flow['params'] | null];
        text = scopeDeclarations({ payloads: p, ...(params ? { params } : {}), canonical: canonical.schemas });
      }
      return text;
    };
  }, [scopeKey, canonical.schemas]);
  const upstream = useMemo(() => (node ? upstreamNodeIds(flow, node.id) : []), [flow, node]);

  if (!node) return <p role="alert">There is no node {nodeId} in this flow.</p>;

  const configForm = type ? buildForm(type.config, node.config, '/config', 'config') : undefined;
  const retryForm = node.retry ? buildForm(RetryPolicy, node.retry, '/retry', 'retry') : undefined;
  const fields = [...(configForm ? allFields(configForm) : []), ...(retryForm ? allFields(retryForm) : [])];
  const mine = nodeProblems(flow, node.id, props.problems);
  const pointers = ['/name', '/description', '/connection', '/onError', '/disabled', ...fields.map((f) => f.pointer)];
  const { byField } = assignProblems(pointers, mine);

  const ctx: FormContext = {
    nodeId: node.id,
    readOnly,
    upstream,
    canonicalRefs: canonical.schemas.map((s) => s.ref),
    declarations,
    problemsAt: byField,
    set(pointer, value) {
      onChange(setAtPointer(node, pointer, value) as FlowNode);
    },
  };
  const fieldLabel = (pointer: string) =>
    (
      ({
        '/name': 'Name',
        '/description': 'Description',
        '/connection': 'Connection',
        '/onError': 'On error',
        '/disabled': 'Disabled',
      }) as Record<string, string>
    )[pointer] ?? labelPath(fields, pointer);

  return (
    <section aria-label={`Inspector of ${node.id}`} className="inspector">
      <div className="inspector-head">
        <h2>{node.name ?? node.id}</h2>
        <p className="inspector-type">
          <code>{node.type}</code> v{node.version}
          {type ? ` — ${type.title}` : ' — not in the catalog'}
        </p>
        {type && <p className="field-help">{type.description}</p>}
        {type && (
          <a
            className="inspector-reference"
            href={`/api/docs/guide/nodes/${encodeURIComponent(node.type)}`}
            target="_blank"
            rel="noopener"
          >
            Reference for {node.type} (opens in a new tab)
          </a>
        )}
      </div>

      {mine.length > 0 && (
        <ul role="alert" aria-label={`Problems of ${node.id}`} className="inspector-problems">
          {mine.map((p, i) => {
            const where = assignProblems(pointers, [p]).byField.keys().next().value;
            const label = where ? fieldLabel(where) : '';
            return (
              <li key={`${i}:${p.pointer}:${p.message}`}>
                {label ? `${label}: ` : ''}
                {p.message}
              </li>
            );
          })}
        </ul>
      )}

      <NodeIdField flow={flow} node={node} readOnly={readOnly} onRename={(id) => onChange({ ...node, id })} />
      <TextRow node={node} name="name" label="Name" ctx={ctx} />
      <TextRow node={node} name="description" label="Description" ctx={ctx} multiline />
      <div className="field field-boolean">
        <label htmlFor={fieldId(node.id, '/disabled')}>Disabled</label>
        <input
          id={fieldId(node.id, '/disabled')}
          type="checkbox"
          checked={node.disabled === true}
          disabled={readOnly}
          aria-describedby={fieldId(node.id, '/disabled', '-help')}
          onChange={(e) => ctx.set('/disabled', e.target.checked || undefined)}
        />
        <small id={fieldId(node.id, '/disabled', '-help')} className="field-help">
          A disabled node is kept in the flow but does not run.
        </small>
      </div>
      {(type?.connection || node.connection !== undefined) && (
        <ConnectionRow
          flow={flow}
          node={node}
          types={type?.connection?.types ?? []}
          required={type?.connection?.required ?? false}
          ctx={ctx}
        />
      )}
      {type?.errorPort && (
        <div className="field">
          <label htmlFor={fieldId(node.id, '/onError')}>On error</label>
          <select
            id={fieldId(node.id, '/onError')}
            value={node.onError ?? 'fail'}
            disabled={readOnly}
            onChange={(e) => ctx.set('/onError', e.target.value === 'fail' ? undefined : e.target.value)}
          >
            <option value="fail">fail the step (retry, then dead letter)</option>
            <option value="route">send the error out of the error port</option>
          </select>
        </div>
      )}

      <fieldset className="inspector-config">
        <legend>Configuration</legend>
        <ConfigJson node={node} readOnly={readOnly} onApply={(config) => onChange({ ...node, config })} />
        {configForm ? (
          <FieldView field={configForm} ctx={ctx} bare />
        ) : (
          <p role="alert">
            Node type {node.type} v{node.version} is not in the catalog: its configuration cannot be edited here.
          </p>
        )}
      </fieldset>

      {type && !type.entry && (
        <fieldset className="inspector-retry">
          <legend>Retry policy</legend>
          <div className="field field-boolean">
            <label htmlFor={fieldId(node.id, '/retry', '-own')}>Own retry policy</label>
            <input
              id={fieldId(node.id, '/retry', '-own')}
              type="checkbox"
              checked={node.retry !== undefined}
              disabled={readOnly}
              aria-describedby={fieldId(node.id, '/retry', '-own-help')}
              onChange={(e) => ctx.set('/retry', e.target.checked ? {} : undefined)}
            />
            <small id={fieldId(node.id, '/retry', '-own-help')} className="field-help">
              Without one, the flow’s retry policy applies.
            </small>
          </div>
          {retryForm && <FieldView field={retryForm} ctx={ctx} bare />}
        </fieldset>
      )}
      {canonical.error && <p role="alert">Canonical schemas could not be loaded: {canonical.error}</p>}
    </section>
  );
}
