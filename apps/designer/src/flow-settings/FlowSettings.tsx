import { useEffect, useId, useState } from 'react';
import { expressionSyntaxError, type Catalog, type Flow, type Problem } from '@millrace/flow-model';
import { freeName, isHeaderPointer, renameKey, renameSlot, setAt, slotUsage, undeclaredSlots } from './model.ts';
import './flow-settings.css';

export interface FlowSettingsProps {
  readonly flow: Flow;
  readonly catalog: Catalog;
  /** The flow's validation problems; those about the header are shown here. */
  readonly problems: readonly Problem[];
  readonly readOnly: boolean;
  /** `key` names a burst of edits of one field, which the editor's undo takes as one step. */
  onChange(next: Flow, key?: string): void;
}

/** A text input that reports on blur or Enter, so a half-typed value is not one undo step per key. */
function Text({
  label,
  value,
  onCommit,
  readOnly,
  help,
  expression,
  multiline,
  live,
}: {
  label: string;
  value: string | undefined;
  onCommit(v: string | undefined): void;
  readOnly: boolean;
  help?: string;
  expression?: boolean;
  multiline?: boolean;
  /** Report every change as it is typed (the flow's name shows in the page heading at once). */
  live?: boolean;
}) {
  const id = useId();
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  const syntax = expression && text.trim() !== '' ? expressionSyntaxError(text) : undefined;
  const commit = () => {
    const v = text.trim() === '' ? undefined : text;
    if (v !== value && !syntax) onCommit(v);
  };
  const change = (t: string) => {
    setText(t);
    if (live) onCommit(t.trim() === '' ? undefined : t);
  };
  const common = {
    id,
    value: text,
    readOnly,
    'aria-invalid': syntax !== undefined,
    'aria-describedby': `${id}-help`,
    onBlur: commit,
  };
  return (
    <div className="fs-field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={2} onChange={(e) => change(e.target.value)} />
      ) : (
        <input
          {...common}
          type="text"
          className={expression ? 'fs-expression' : undefined}
          spellCheck={!expression}
          onChange={(e) => change(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
          }}
        />
      )}
      <small id={`${id}-help`} className={syntax ? 'fs-error' : 'fs-help'}>
        {syntax ? `Expression ${syntax}` : help}
      </small>
    </div>
  );
}

function NumberField({
  label,
  value,
  onCommit,
  readOnly,
  help,
  min,
  max,
  step,
}: {
  label: string;
  value: number | undefined;
  onCommit(v: number | undefined): void;
  readOnly: boolean;
  help: string;
  min?: number;
  max?: number;
  step?: number;
}) {
  const id = useId();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => setText(value === undefined ? '' : String(value)), [value]);
  const n = Number(text);
  const bad =
    text !== '' &&
    (!Number.isFinite(n) ||
      (min !== undefined && n < min) ||
      (max !== undefined && n > max) ||
      (step === 1 && !Number.isInteger(n)));
  const commit = () => {
    if (bad) return;
    const v = text === '' ? undefined : n;
    if (v !== value) onCommit(v);
  };
  return (
    <div className="fs-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        value={text}
        min={min}
        max={max}
        step={step ?? 'any'}
        readOnly={readOnly}
        aria-invalid={bad}
        aria-describedby={`${id}-help`}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      <small id={`${id}-help`} className={bad ? 'fs-error' : 'fs-help'}>
        {bad
          ? `must be ${step === 1 ? 'a whole number' : 'a number'}${min !== undefined ? ` ≥ ${min}` : ''}${max !== undefined ? ` and ≤ ${max}` : ''}`
          : help}
      </small>
    </div>
  );
}

/** The params JSON Schema as JSON text; committed only when it parses to an object. */
function ParamsField({ flow, readOnly, onChange }: Pick<FlowSettingsProps, 'flow' | 'readOnly' | 'onChange'>) {
  const id = useId();
  const initial = flow.params ? JSON.stringify(flow.params, null, 2) : '';
  const [text, setText] = useState(initial);
  useEffect(() => setText(initial), [initial]);
  let error: string | undefined;
  let parsed: unknown;
  if (text.trim() !== '') {
    try {
      parsed = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        error = 'must be a JSON object (a JSON Schema)';
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
  }
  return (
    <div className="fs-field">
      <label htmlFor={id}>Parameters (JSON Schema)</label>
      <textarea
        id={id}
        rows={5}
        value={text}
        readOnly={readOnly}
        spellCheck={false}
        className="fs-json"
        aria-invalid={error !== undefined}
        aria-describedby={`${id}-help`}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (!error && text !== initial) onChange(setAt(flow, ['params'], text.trim() === '' ? undefined : parsed));
        }}
      />
      <small id={`${id}-help`} className={error ? 'fs-error' : 'fs-help'}>
        {error ?? 'What each plant profile sets for this flow (params.<name> in expressions).'}
      </small>
    </div>
  );
}

/**
 * The flow's own settings, shown when no node is selected: name, description and owner; the
 * connection slots its nodes use (bound to real systems per plant by the profile); parameters;
 * the idempotency key, business keys, ordering, concurrency, timeout and default retry policy.
 */
export function FlowSettings({ flow, catalog, problems, readOnly, onChange }: FlowSettingsProps) {
  const [slotError, setSlotError] = useState<string>();
  const settings = flow.settings ?? {};
  const header = problems.filter((p) => isHeaderPointer(p.pointer));
  const usage = slotUsage(flow);
  const missing = undeclaredSlots(flow);
  const connectionTypes = catalog.connectionTypes;
  const set = (path: readonly string[], v: unknown) => onChange(setAt(flow, path, v));
  const retry = settings.retry ?? {};

  return (
    <section aria-label={`Settings of flow ${flow.id}`} className="flow-settings">
      <header>
        <h2>Flow settings</h2>
        <p className="fs-help">Select a node on the canvas to edit it; with none selected, these belong to the flow.</p>
      </header>
      {header.length > 0 && (
        <ul role="alert" aria-label="Problems of the flow settings" className="fs-problems">
          {header.map((p, i) => (
            <li key={`${i}:${p.pointer}`}>
              <code>{p.pointer || '/'}</code> {p.message}
            </li>
          ))}
        </ul>
      )}

      <fieldset>
        <legend>About</legend>
        <div className="fs-field">
          <label htmlFor="fs-flow-id">Flow id</label>
          <input id="fs-flow-id" type="text" value={flow.id} readOnly />
        </div>
        <Text
          label="Flow name"
          value={flow.name}
          readOnly={readOnly}
          live
          help={flow.name.trim() === '' ? 'A flow needs a name.' : undefined}
          onCommit={(v) => onChange({ ...flow, name: v ?? '' }, 'flow-name')}
        />
        <Text
          label="Flow description"
          value={flow.description}
          readOnly={readOnly}
          multiline
          live
          onCommit={(v) => onChange(setAt(flow, ['description'], v), 'flow-description')}
        />
        <p className="fs-help">
          Version <code>{flow.version}</code> (set when publishing) · {flow.nodes.length} nodes · {flow.edges.length}{' '}
          edges
        </p>
        <Text
          label="Owner team"
          value={flow.owner?.team}
          readOnly={readOnly}
          onCommit={(v) => set(['owner', 'team'], v)}
        />
        <Text
          label="Owner contact"
          value={flow.owner?.contact}
          readOnly={readOnly}
          onCommit={(v) => set(['owner', 'contact'], v)}
        />
      </fieldset>

      <fieldset>
        <legend>Connection slots</legend>
        <p className="fs-help">
          Nodes name a slot; each plant profile binds the slot to a real system. Secrets live in the profile&apos;s
          vault, never here.
        </p>
        {slotError && <p role="alert">{slotError}</p>}
        <table className="fs-slots">
          <thead>
            <tr>
              <th scope="col">Slot</th>
              <th scope="col">Connection type</th>
              <th scope="col">Used by</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(flow.connections ?? {}).map(([name, slot]) => (
              <tr key={name}>
                <td>
                  <input
                    aria-label={`Name of slot ${name}`}
                    defaultValue={name}
                    readOnly={readOnly}
                    onBlur={(e) => {
                      const to = e.target.value.trim();
                      if (to === name) return;
                      const next = /^[A-Za-z][A-Za-z0-9_-]*$/.test(to) ? renameSlot(flow, name, to) : undefined;
                      if (!next) {
                        setSlotError(`A slot cannot be named "${to}": taken, or not a name.`);
                        e.target.value = name;
                        return;
                      }
                      setSlotError(undefined);
                      onChange(next);
                    }}
                  />
                </td>
                <td>
                  <select
                    aria-label={`Connection type of slot ${name}`}
                    value={slot.type}
                    disabled={readOnly}
                    onChange={(e) => set(['connections', name, 'type'], e.target.value)}
                  >
                    {!connectionTypes.some((c) => c.type === slot.type) && (
                      <option value={slot.type}>{slot.type}</option>
                    )}
                    {connectionTypes.map((c) => (
                      <option key={c.type} value={c.type}>
                        {c.title} ({c.type})
                      </option>
                    ))}
                  </select>
                </td>
                <td>{usage.get(name) ?? 0} node(s)</td>
                <td>
                  {!readOnly && (
                    <button
                      type="button"
                      aria-label={`Remove slot ${name}`}
                      disabled={(usage.get(name) ?? 0) > 0}
                      title={(usage.get(name) ?? 0) > 0 ? 'Nodes still use this slot' : undefined}
                      onClick={() => set(['connections', name], undefined)}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!readOnly && (
          <div className="fs-row">
            {missing.map((m) => (
              <button
                key={m}
                type="button"
                onClick={() => {
                  const users = flow.nodes.filter((n) => n.connection === m).map((n) => n.type);
                  const wanted = catalog.nodes.find((t) => users.includes(t.type))?.connection?.types[0];
                  set(['connections', m], { type: wanted ?? connectionTypes[0]?.type ?? 'http' });
                }}
              >
                Declare slot {m}
              </button>
            ))}
            <button
              type="button"
              onClick={() =>
                set(['connections', freeName(flow.connections, 'connection')], {
                  type: connectionTypes[0]?.type ?? 'http',
                })
              }
            >
              Add a slot
            </button>
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>Runs</legend>
        <Text
          label="Idempotency key"
          expression
          value={settings.idempotencyKey}
          readOnly={readOnly}
          help="A repeated value of this expression does not start a second run."
          onCommit={(v) => set(['settings', 'idempotencyKey'], v)}
        />
        <div className="fs-group" role="group" aria-label="Business keys">
          <span className="fs-label">Business keys</span>
          {Object.entries(settings.businessKeys ?? {}).map(([name, expr]) => (
            <div key={name} className="fs-row">
              <input
                aria-label={`Name of business key ${name}`}
                defaultValue={name}
                readOnly={readOnly}
                className="fs-key"
                onBlur={(e) => {
                  const to = e.target.value.trim();
                  if (to === name) return;
                  const keys = /^[A-Za-z][A-Za-z0-9_]*$/.test(to)
                    ? renameKey(settings.businessKeys ?? {}, name, to)
                    : undefined;
                  if (!keys) {
                    e.target.value = name;
                    return;
                  }
                  set(['settings', 'businessKeys'], keys);
                }}
              />
              <Text
                label={`Expression of business key ${name}`}
                expression
                value={expr}
                readOnly={readOnly}
                onCommit={(v) => v && set(['settings', 'businessKeys', name], v)}
              />
              {!readOnly && (
                <button
                  type="button"
                  aria-label={`Remove business key ${name}`}
                  onClick={() => set(['settings', 'businessKeys', name], undefined)}
                >
                  Remove
                </button>
              )}
            </div>
          ))}
          {!readOnly && (
            <button
              type="button"
              onClick={() =>
                set(['settings', 'businessKeys', freeName(settings.businessKeys, 'key')], 'msg.payload.id')
              }
            >
              Add a business key
            </button>
          )}
          <small className="fs-help">Named values that make runs searchable (&quot;where is lot B123?&quot;).</small>
        </div>
        <Text
          label="Order by"
          expression
          value={settings.orderBy}
          readOnly={readOnly}
          help="Runs with the same value execute one after another, in order of arrival."
          onCommit={(v) => set(['settings', 'orderBy'], v)}
        />
        <NumberField
          label="Concurrency"
          value={settings.concurrency}
          min={1}
          max={10000}
          step={1}
          readOnly={readOnly}
          help="Steps of this flow running at once in one worker."
          onCommit={(v) => set(['settings', 'concurrency'], v)}
        />
        <NumberField
          label="Run timeout (ms)"
          value={settings.timeoutMs}
          min={1}
          step={1}
          readOnly={readOnly}
          help="A step that would start after the run lasted this long parks the run."
          onCommit={(v) => set(['settings', 'timeoutMs'], v)}
        />
      </fieldset>

      <fieldset>
        <legend>Default retry policy</legend>
        <NumberField
          label="Max attempts"
          value={retry.maxAttempts}
          min={1}
          max={100}
          step={1}
          readOnly={readOnly}
          help="Attempts in all, the first one included (default 5)."
          onCommit={(v) => set(['settings', 'retry', 'maxAttempts'], v)}
        />
        <NumberField
          label="First delay (ms)"
          value={retry.initialMs}
          min={0}
          step={1}
          readOnly={readOnly}
          help="Delay before the second attempt (default 500)."
          onCommit={(v) => set(['settings', 'retry', 'initialMs'], v)}
        />
        <NumberField
          label="Multiplier"
          value={retry.multiplier}
          min={1}
          max={10}
          readOnly={readOnly}
          help="Each delay is the previous one times this (default 2)."
          onCommit={(v) => set(['settings', 'retry', 'multiplier'], v)}
        />
        <NumberField
          label="Longest delay (ms)"
          value={retry.maxMs}
          min={0}
          step={1}
          readOnly={readOnly}
          help="No delay is longer than this (default 60000)."
          onCommit={(v) => set(['settings', 'retry', 'maxMs'], v)}
        />
        <div className="fs-field fs-boolean">
          <input
            id="fs-retry-jitter"
            type="checkbox"
            checked={retry.jitter ?? true}
            disabled={readOnly}
            onChange={(e) => set(['settings', 'retry', 'jitter'], e.target.checked ? undefined : false)}
          />
          <label htmlFor="fs-retry-jitter">Jitter (spread retries randomly)</label>
        </div>
      </fieldset>

      <fieldset>
        <legend>Parameters</legend>
        <ParamsField flow={flow} readOnly={readOnly} onChange={onChange} />
      </fieldset>
    </section>
  );
}
