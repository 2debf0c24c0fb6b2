import { describe, expect, it } from 'vitest';
import { catalog } from '@millrace/flow-nodes/catalog';
import {
  allFields,
  assignProblems,
  buildForm,
  initialValue,
  labelOf,
  setAtPointer,
  type ArrayField,
  type Field,
  type ObjectField,
  type UnionField,
} from './form-model.ts';

const configOf = (type: string) => catalog.nodes.find((n) => n.type === type)!.config;
const at = (form: Field, pointer: string) => allFields(form).find((f) => f.pointer === pointer);

describe('form model', () => {
  it('labels fields from their property names and takes help from descriptions', () => {
    const form = buildForm(configOf('trigger.webhook'), { path: 'in' }) as ObjectField;
    const max = at(form, '/maxBodyBytes')!;
    expect(max).toMatchObject({ kind: 'integer', label: 'Max body bytes', help: 'Larger bodies get 413.' });
    expect(max.default).toBe(1048576);
    expect(labelOf('sync_timeout-ms')).toBe('Sync timeout (ms)');
    expect(labelOf('productionOrderId')).toBe('Production order ID');
    expect(labelOf('qos')).toBe('QoS');
    expect(labelOf('uom')).toBe('UoM');
    expect(labelOf('baseUrl')).toBe('Base URL');
    // A word that merely contains an acronym is left alone, and "ms" alone is not a unit.
    expect(labelOf('identity')).toBe('Identity');
    expect(labelOf('ms')).toBe('Ms');
  });

  it('turns a union of constants into a select of them', () => {
    const form = buildForm(configOf('trigger.webhook'), {});
    const mode = at(form, '/mode')!;
    expect(mode.kind).toBe('enum');
    expect(mode.kind === 'enum' && mode.options.map((o) => o.value)).toEqual(['async', 'sync']);
  });

  it('recognises expressions, code, upstream nodes, secret references and canonical references', () => {
    expect(at(buildForm(configOf('route'), { routes: [{ port: 'a', when: 'x' }] }), '/routes/0/when')!.kind).toBe(
      'expression',
    );
    expect(at(buildForm(configOf('map'), { source: 'return 1;' }), '/source')!.kind).toBe('code');
    expect(at(buildForm(configOf('dead-letter'), { reason: 'r' }), '/replayFrom')!.kind).toBe('upstream-node');
    const auth = at(
      buildForm(configOf('trigger.webhook'), { auth: { kind: 'bearer', token: { secret: 'T' } } }),
      '/auth',
    );
    expect(auth).toMatchObject({ kind: 'union', selected: 1 });
    // Branches without a title are named by their discriminator's value.
    expect((auth as UnionField).branches.map((b) => b.label)).toEqual(['none', 'bearer', 'hmac-sha256']);
    expect(
      at(buildForm(configOf('trigger.webhook'), { auth: { kind: 'bearer', token: { secret: 'T' } } }), '/auth/token')!
        .kind,
    ).toBe('secret-ref');
    const schema = at(
      buildForm(configOf('validate'), { schema: 'canonical:BatchCompletion@1' }),
      '/schema',
    ) as UnionField;
    expect(schema.branches.map((b) => b.label)).toEqual(['Canonical schema', 'Inline JSON Schema']);
    expect(schema.field.kind).toBe('canonical-ref');
  });

  it('picks the branch of a discriminated union from the value, the optional discriminator meaning the first', () => {
    const code = buildForm(configOf('map'), { source: 'return 1;' }) as UnionField;
    expect(code).toMatchObject({ kind: 'union', selected: 0 });
    expect(code.branches.map((b) => b.label)).toEqual(['Code', 'Field table']);
    // The select replaces the discriminator: no separate "mode" field.
    expect((code.field as ObjectField).fields.map((f) => f.name)).toEqual(['source', 'outputSchema']);
    const table = buildForm(configOf('map'), { mode: 'fields', fields: [{ target: 'a', value: '1' }] }) as UnionField;
    expect(table.selected).toBe(1);
    expect(table.branches[1]!.initial).toEqual({ mode: 'fields', fields: [] });
  });

  it('selects the expression branch for a body that is neither "payload" nor "none"', () => {
    const body = (v: unknown) =>
      at(buildForm(configOf('http.request'), { path: '/x', body: v }), '/body') as UnionField;
    expect(body('none').selected).toBe(1);
    expect(body('msg.payload.lot').selected).toBe(2);
    expect(body('msg.payload.lot').field.kind).toBe('expression');
  });

  it('makes one row per array item, with what a new row starts as', () => {
    const form = buildForm(configOf('route'), {
      routes: [
        { port: 'a', when: 'x' },
        { port: 'b', when: 'y' },
      ],
    });
    const routes = at(form, '/routes') as ArrayField;
    expect(routes.items.map((r) => r.pointer)).toEqual(['/routes/0', '/routes/1']);
    expect(routes.newItem).toEqual({ port: '', when: '' });
    expect(routes.minItems).toBe(1);
  });

  it('falls back to JSON for maps, free-form objects and values of the wrong shape', () => {
    expect(at(buildForm(configOf('http.request'), { path: '/x' }), '/headers')!.kind).toBe('json');
    expect(buildForm({ type: 'object', properties: { a: { type: 'string' } } }, 'oops').kind).toBe('json');
    expect(buildForm({ not: { type: 'string' } }, 1).kind).toBe('json');
    const weird = buildForm({ anyOf: [{ type: 'string' }, { type: 'number' }] }, true) as UnionField;
    expect(weird.selected).toBe(-1);
    expect(weird.field).toMatchObject({ kind: 'json', error: 'matches none of the options' });
  });

  it('checks values at once: required, lengths, patterns with their hints, bounds', () => {
    const form = buildForm(configOf('trigger.webhook'), { path: 'Bad Path', maxBodyBytes: 0 });
    expect(at(form, '/path')!.error).toMatch(/^must be a path such as batch-completed/);
    expect(at(form, '/maxBodyBytes')!.error).toBe('must be at least 1');
    const dl = buildForm(configOf('dead-letter'), {});
    expect(at(dl, '/reason')!.error).toBe('is required');
    expect(at(dl, '/code')!.error).toBeUndefined();
    const route = buildForm(configOf('route'), { routes: [] });
    expect(at(route, '/routes')!.error).toBe('needs at least one row');
  });

  it('builds every node type of the catalog without throwing', () => {
    for (const n of catalog.nodes) {
      const form = buildForm(n.config, initialValue(n.config));
      expect(allFields(form).length).toBeGreaterThan(0);
    }
  });
});

describe('setAtPointer', () => {
  it('replaces a nested value without touching the original', () => {
    const doc = { routes: [{ port: 'a', when: 'x' }] };
    const next = setAtPointer(doc, '/routes/0/when', 'y');
    expect(next).toEqual({ routes: [{ port: 'a', when: 'y' }] });
    expect(doc.routes[0]!.when).toBe('x');
  });

  it('removes a property set to undefined and creates missing objects', () => {
    expect(setAtPointer({ a: 1, b: 2 }, '/a', undefined)).toEqual({ b: 2 });
    expect(setAtPointer({}, '/auth/token/secret', 'T')).toEqual({ auth: { token: { secret: 'T' } } });
    expect(setAtPointer({ 'a/b': 1 }, '/a~1b', 2)).toEqual({ 'a/b': 2 });
  });
});

describe('assignProblems', () => {
  it('gives each problem to the deepest field it is about, the rest apart', () => {
    const { byField, rest } = assignProblems(
      ['/config', '/config/routes', '/config/routes/0/when', '/name'],
      [
        { pointer: '/config/routes/0/when', message: 'has a syntax error' },
        { pointer: '/config/routes/1', message: 'bad row' },
        { pointer: '/connection', message: 'is required' },
      ],
    );
    expect(byField.get('/config/routes/0/when')).toEqual(['has a syntax error']);
    expect(byField.get('/config/routes')).toEqual(['bad row']);
    expect(rest).toEqual(['is required']);
  });
});
