import { useEffect, useState, type ReactNode } from 'react';
import { CodeField } from '../monaco/CodeField.tsx';
import { fieldMessages as messagesOf } from './problems.ts';
import type { ArrayField, EnumField, Field, ObjectField, UnionField } from './form-model.ts';

/** What every field of one node's form needs besides its own descriptor. */
export interface FormContext {
  readonly nodeId: string;
  readonly readOnly: boolean;
  /** Nodes with a path to this one, for `upstream-node` fields. */
  readonly upstream: readonly string[];
  readonly canonicalRefs: readonly string[];
  /** TypeScript declarations of the code/expression scope (made on the first call). */
  readonly declarations: () => string;
  /** Problems from the flow's validation, by node-relative field pointer. */
  readonly problemsAt: ReadonlyMap<string, readonly string[]>;
  /** Replaces the value at a node-relative pointer (`undefined` removes it). */
  set(pointer: string, value: unknown): void;
}

/** A DOM id for a field of a node: stable, unique on the page, valid in CSS selectors. */
export function fieldId(nodeId: string, pointer: string, suffix = ''): string {
  return `insp-${nodeId}${pointer}${suffix}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

function Described(props: {
  field: Field;
  ctx: FormContext;
  messages: readonly string[];
  extraHelp?: string;
}): ReactNode {
  const { field, ctx, messages } = props;
  const help = [field.help, props.extraHelp].filter(Boolean).join(' ');
  return (
    <>
      {help && (
        <small id={fieldId(ctx.nodeId, field.pointer, '-help')} className="field-help">
          {help}
          {field.default !== undefined && typeof field.default !== 'object' && ` Default: ${String(field.default)}.`}
        </small>
      )}
      {messages.length > 0 && (
        <span id={fieldId(ctx.nodeId, field.pointer, '-error')} className="field-error">
          {messages.map((m) => `${field.label || 'This'} ${m}`).join(' · ')}
        </span>
      )}
    </>
  );
}

function describedBy(field: Field, ctx: FormContext, messages: readonly string[], extraHelp?: string) {
  const ids = [
    ...(field.help || extraHelp ? [fieldId(ctx.nodeId, field.pointer, '-help')] : []),
    ...(messages.length > 0 ? [fieldId(ctx.nodeId, field.pointer, '-error')] : []),
  ];
  return ids.length > 0 ? ids.join(' ') : undefined;
}

/** An emptied optional field is removed rather than kept as "". */
const orUndefined = (field: Field, text: string): string | undefined =>
  text === '' && !field.required ? undefined : text;

function EnumSelect(props: { field: EnumField; ctx: FormContext; id: string; describedBy?: string; invalid: boolean }) {
  const { field, ctx } = props;
  const index = field.options.findIndex((o) => JSON.stringify(o.value) === JSON.stringify(field.value));
  const showEmpty = !field.required || index < 0;
  return (
    <select
      id={props.id}
      value={index < 0 ? '' : String(index)}
      disabled={ctx.readOnly}
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid || undefined}
      onChange={(e) =>
        ctx.set(field.pointer, e.target.value === '' ? undefined : field.options[Number(e.target.value)]!.value)
      }
    >
      {showEmpty && (
        <option value="">{field.default !== undefined ? `(default: ${String(field.default)})` : '— none —'}</option>
      )}
      {field.options.map((o, i) => (
        <option key={i} value={String(i)}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function JsonText(props: { field: Field; ctx: FormContext; id: string; describedBy?: string; invalid: boolean }) {
  const { field, ctx } = props;
  const shown = field.value === undefined ? '' : JSON.stringify(field.value, null, 2);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string>();
  // A change from outside (undo) replaces the text, unless it is what the text already means.
  useEffect(() => {
    setText((t) => {
      try {
        if (t !== '' && JSON.stringify(JSON.parse(t)) === JSON.stringify(field.value)) return t;
      } catch {
        // The text does not parse: the outside value wins.
      }
      return shown;
    });
  }, [shown, field.value]);
  const errorId = fieldId(ctx.nodeId, field.pointer, '-json');
  return (
    <>
      <textarea
        id={props.id}
        className="json-field"
        rows={Math.min(12, Math.max(3, text.split('\n').length))}
        spellCheck={false}
        value={text}
        readOnly={ctx.readOnly}
        aria-describedby={[props.describedBy, error ? errorId : undefined].filter(Boolean).join(' ') || undefined}
        aria-invalid={props.invalid || error !== undefined || undefined}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setError(undefined);
            ctx.set(field.pointer, undefined);
            return;
          }
          try {
            const parsed: unknown = JSON.parse(e.target.value);
            setError(undefined);
            ctx.set(field.pointer, parsed);
          } catch (err) {
            setError(err instanceof Error ? err.message : String(err));
          }
        }}
      />
      {error && (
        <span id={errorId} className="field-error">
          Not JSON: {error}
        </span>
      )}
    </>
  );
}

const SECRET_HELP = 'The name of a secret in the plant’s secret store; its value is never shown or stored here.';
const CODE_HELP = 'In the editor Tab indents: press Ctrl+M to make Tab move the focus instead (Ctrl+M again to undo).';

function Scalar(props: { field: Field; ctx: FormContext; where?: string }) {
  const { field, ctx } = props;
  const id = fieldId(ctx.nodeId, field.pointer);
  const messages = messagesOf(field, ctx.problemsAt);
  const extraHelp = field.kind === 'secret-ref' ? SECRET_HELP : field.kind === 'code' ? CODE_HELP : undefined;
  const by = describedBy(field, ctx, messages, extraHelp);
  const invalid = messages.length > 0;
  const common = { id, 'aria-describedby': by, 'aria-invalid': invalid || undefined };
  const str = typeof field.value === 'string' ? field.value : '';
  let control: ReactNode;
  switch (field.kind) {
    case 'boolean':
      control = (
        <input
          {...common}
          type="checkbox"
          checked={field.value === undefined ? field.default === true : field.value === true}
          disabled={ctx.readOnly}
          onChange={(e) => ctx.set(field.pointer, e.target.checked)}
        />
      );
      break;
    case 'number':
    case 'integer': {
      const s = field.schema as { minimum?: number; maximum?: number };
      control = (
        <input
          {...common}
          type="number"
          step={field.kind === 'integer' ? 1 : 'any'}
          min={s.minimum}
          max={s.maximum}
          placeholder={field.default !== undefined ? String(field.default) : undefined}
          value={typeof field.value === 'number' ? field.value : ''}
          readOnly={ctx.readOnly}
          onChange={(e) => ctx.set(field.pointer, e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
      break;
    }
    case 'enum':
      control = <EnumSelect field={field as EnumField} ctx={ctx} id={id} describedBy={by} invalid={invalid} />;
      break;
    case 'expression':
    case 'code':
      control = (
        <CodeField
          label={`${field.kind === 'code' ? 'Code' : field.label || 'Expression'}${props.where ? ` in ${props.where}` : ''} of ${ctx.nodeId}`}
          kind={field.kind}
          value={str}
          modelPath={`${ctx.nodeId}${field.pointer}`}
          declarations={ctx.declarations()}
          readOnly={ctx.readOnly}
          invalid={invalid}
          {...(by ? { describedBy: by } : {})}
          onChange={(text) => ctx.set(field.pointer, orUndefined(field, text))}
        />
      );
      break;
    case 'upstream-node':
    case 'canonical-ref': {
      const choices = field.kind === 'upstream-node' ? ctx.upstream : ctx.canonicalRefs;
      const all = str !== '' && !choices.includes(str) ? [str, ...choices] : choices;
      control = (
        <select
          {...common}
          value={str}
          disabled={ctx.readOnly}
          onChange={(e) => ctx.set(field.pointer, orUndefined(field, e.target.value))}
        >
          <option value="">{field.kind === 'upstream-node' ? '(the node that sent the message)' : '— choose —'}</option>
          {all.map((c) => (
            <option key={c} value={c}>
              {c}
              {!choices.includes(c) && (field.kind === 'upstream-node' ? ' (not upstream)' : ' (unknown)')}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'secret-ref': {
      const name = (field.value as { secret?: unknown } | undefined)?.secret;
      control = (
        <input
          {...common}
          type="text"
          autoComplete="off"
          placeholder="a secret name such as ERP_P100_PASSWORD"
          value={typeof name === 'string' ? name : ''}
          readOnly={ctx.readOnly}
          onChange={(e) =>
            ctx.set(field.pointer, e.target.value === '' && !field.required ? undefined : { secret: e.target.value })
          }
        />
      );
      break;
    }
    case 'json':
      control = <JsonText field={field} ctx={ctx} id={id} {...(by ? { describedBy: by } : {})} invalid={invalid} />;
      break;
    default:
      control = (
        <input
          {...common}
          type="text"
          placeholder={field.hint ?? (field.default !== undefined ? String(field.default) : undefined)}
          value={str}
          readOnly={ctx.readOnly}
          onChange={(e) => ctx.set(field.pointer, orUndefined(field, e.target.value))}
        />
      );
  }
  const isCode = field.kind === 'code' || field.kind === 'expression';
  return (
    <div className={`field field-${field.kind}${invalid ? ' invalid' : ''}`}>
      {isCode ? (
        // Monaco names itself (aria-label); this label is for the eye and a click target.
        <span className="field-label" id={`${id}-label`}>
          {field.label}
          {field.required && <abbr title="required"> *</abbr>}
        </span>
      ) : (
        <label htmlFor={id}>
          {field.label}
          {field.required && <abbr title="required"> *</abbr>}
          {field.kind === 'secret-ref' && ' (secret name)'}
        </label>
      )}
      {control}
      <Described field={field} ctx={ctx} messages={messages} {...(extraHelp ? { extraHelp } : {})} />
    </div>
  );
}

function ObjectView(props: { field: ObjectField; ctx: FormContext; bare?: boolean; where?: string }) {
  const { field, ctx } = props;
  const messages = messagesOf(field, ctx.problemsAt);
  const body = (
    <>
      {field.fields.map((f) => (
        <FieldView key={f.pointer} field={f} ctx={ctx} {...(props.where ? { where: props.where } : {})} />
      ))}
      {(field.help || messages.length > 0) && <Described field={field} ctx={ctx} messages={messages} />}
    </>
  );
  if (props.bare || field.label === '') return body;
  return (
    <fieldset className="field-object">
      <legend>{field.label}</legend>
      {body}
    </fieldset>
  );
}

function ArrayView(props: { field: ArrayField; ctx: FormContext }) {
  const { field, ctx } = props;
  const rows = (field.value as unknown[] | undefined) ?? [];
  const messages = messagesOf(field, ctx.problemsAt);
  const move = (from: number, to: number) => {
    const next = [...rows];
    const [row] = next.splice(from, 1);
    next.splice(to, 0, row);
    ctx.set(field.pointer, next);
  };
  const canRemove = rows.length > field.minItems;
  const canAdd = field.maxItems === undefined || rows.length < field.maxItems;
  return (
    <fieldset className="field-array" aria-describedby={describedBy(field, ctx, messages)}>
      <legend>{field.label}</legend>
      <Described field={field} ctx={ctx} messages={messages} />
      <ol>
        {field.items.map((item, i) => (
          <li key={item.pointer} className="array-row">
            <FieldView field={item} ctx={ctx} label={`${field.label} ${i + 1}`} where={`${field.label} ${i + 1}`} />
            {!ctx.readOnly && (
              <div className="row-actions">
                <button
                  type="button"
                  aria-label={`Move ${field.label} ${i + 1} up`}
                  disabled={i === 0}
                  onClick={() => move(i, i - 1)}
                >
                  ↑
                </button>
                <button
                  type="button"
                  aria-label={`Move ${field.label} ${i + 1} down`}
                  disabled={i === rows.length - 1}
                  onClick={() => move(i, i + 1)}
                >
                  ↓
                </button>
                <button
                  type="button"
                  aria-label={`Remove ${field.label} ${i + 1}`}
                  disabled={!canRemove}
                  onClick={() =>
                    ctx.set(
                      field.pointer,
                      rows.filter((_, j) => j !== i),
                    )
                  }
                >
                  Remove
                </button>
              </div>
            )}
          </li>
        ))}
      </ol>
      {!ctx.readOnly && canAdd && (
        <button type="button" onClick={() => ctx.set(field.pointer, [...rows, structuredClone(field.newItem)])}>
          Add to {field.label}
        </button>
      )}
    </fieldset>
  );
}

function UnionView(props: { field: UnionField; ctx: FormContext; where?: string; bare?: boolean }) {
  const { field, ctx } = props;
  const id = fieldId(ctx.nodeId, field.pointer, '-variant');
  const inner = field.field;
  // An optional union left out shows as "none" (or its default), not as its first kind half filled.
  const absent = field.value === undefined && !field.required;
  const body = (
    <>
      <label htmlFor={id}>Kind</label>
      <select
        id={id}
        value={absent || field.selected < 0 ? '' : String(field.selected)}
        disabled={ctx.readOnly}
        onChange={(e) =>
          ctx.set(
            field.pointer,
            e.target.value === '' ? undefined : structuredClone(field.branches[Number(e.target.value)]!.initial),
          )
        }
      >
        {!field.required && (
          <option value="">
            {field.default !== undefined ? `(default: ${JSON.stringify(field.default)})` : '— none —'}
          </option>
        )}
        {field.selected < 0 && field.required && <option value="">— does not fit —</option>}
        {field.branches.map((b, i) => (
          <option key={i} value={String(i)}>
            {b.label}
          </option>
        ))}
      </select>
      {absent ? null : inner.kind === 'object' ? (
        <ObjectView field={inner} ctx={ctx} bare {...(props.where ? { where: props.where } : {})} />
      ) : inner.kind === 'enum' && inner.options.length === 1 ? null : (
        <FieldView
          field={{ ...inner, label: field.branches[field.selected]?.label ?? field.label }}
          ctx={ctx}
          {...(props.where ? { where: props.where } : {})}
        />
      )}
    </>
  );
  // The root of a node's config is already inside the "Configuration" group.
  if (props.bare) return <div className="field-union">{body}</div>;
  return (
    <fieldset className="field-union">
      <legend>{field.label || 'Kind'}</legend>
      {body}
    </fieldset>
  );
}

/** One field of the form, whatever its kind. */
export function FieldView(props: { field: Field; ctx: FormContext; bare?: boolean; label?: string; where?: string }) {
  const field = props.label ? { ...props.field, label: props.label } : props.field;
  const where = props.where ? { where: props.where } : {};
  switch (field.kind) {
    case 'object':
      return <ObjectView field={field} ctx={props.ctx} bare={props.bare ?? false} {...where} />;
    case 'array':
      return <ArrayView field={field} ctx={props.ctx} />;
    case 'union':
      return <UnionView field={field} ctx={props.ctx} bare={props.bare ?? false} {...where} />;
    default:
      return <Scalar field={field} ctx={props.ctx} {...where} />;
  }
}
