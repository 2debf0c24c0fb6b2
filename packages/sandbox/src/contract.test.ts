/**
 * The Sandbox contract, run against both implementations: whatever passes here, other packages
 * may rely on whichever sandbox they were given.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError, InternalError, SandboxError } from '@millrace/node-sdk';
import { bindCodeRunner, createInProcessSandbox, createIsolatedVmSandbox, scopeJson } from './index.ts';
import type { Sandbox } from './index.ts';

const payload = {
  orderId: 'PO-1',
  plant: '1000',
  items: Array.from({ length: 8 }, (_, i) => ({ sku: `MAT-${i}`, qty: i + 1, text: 'x'.repeat(90) })),
};
const message = JSON.stringify({ payload });
const scope = scopeJson(message, '{"warehouse":"WH-01","now":"2024-02-28T22:30:00Z"}');

async function failure(promise: Promise<unknown>): Promise<SandboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

describe.each([
  ['isolated-vm', () => createIsolatedVmSandbox()],
  ['in-process', () => createInProcessSandbox()],
])('%s sandbox', (_name, create) => {
  const sandbox: Sandbox = create();
  afterAll(() => sandbox.close());

  it('maps a 1 KB message to the JSON text of the returned value', async () => {
    expect(message.length).toBeGreaterThan(1000);
    const source = `
      const p = msg.payload;
      return { id: p.orderId, warehouse: params.warehouse, lines: p.items.map((it) => ({ m: it.sku, q: it.qty })) };`;
    const out = JSON.parse(await sandbox.runFunction(source, scope));
    expect(out).toEqual({
      id: 'PO-1',
      warehouse: 'WH-01',
      lines: payload.items.map((it) => ({ m: it.sku, q: it.qty })),
    });
  });

  it('returns "null" when the code returns nothing', async () => {
    expect(await sandbox.runFunction('const x = 1;', scope)).toBe('null');
  });

  it('evaluates several expressions over the same scope into one array', async () => {
    const out = await sandbox.evaluate(
      ['msg.payload.plant === "1000"', 'msg.payload.items.length', 'params.missing', '`${msg.payload.orderId}-x`'],
      scope,
    );
    expect(JSON.parse(out)).toEqual([true, 8, null, 'PO-1-x']);
    expect(await sandbox.evaluate([], scope)).toBe('[]');
  });

  describe('runFunctionThen', () => {
    const then = (expressions: string[]) => ({
      expressions,
      prefix: '{"msg":{"payload":',
      suffix: ',"headers":{"lot":"B1"}},"params":{"warehouse":"WH-02"}}',
    });

    it('evaluates the next expressions on the function result, with the headers and params it is given', async () => {
      const result = await sandbox.runFunctionThen(
        'return { status: msg.payload.orderId === "PO-1" ? "completed" : "other", n: 2, dropped: undefined };',
        scope,
        then([
          'msg.payload.status === "completed"',
          'msg.payload.n * 10',
          '"dropped" in msg.payload',
          'msg.headers.lot',
          'params.warehouse',
        ]),
      );
      expect(JSON.parse(result.output)).toEqual({ status: 'completed', n: 2 });
      expect(JSON.parse(result.values!)).toEqual([true, 20, false, 'B1', 'WH-02']);
    });

    it('still gives the output when the expressions fail, and no values', async () => {
      for (const expressions of [['msg.payload.missing.deep'], ['(() => { while (true) {} })()'], ['a b']]) {
        const result = await sandbox.runFunctionThen('return { n: 1 };', scope, then(expressions), { timeoutMs: 200 });
        expect(result).toEqual({ output: '{"n":1}', values: null });
      }
    });

    it('fails as runFunction does when the function fails', async () => {
      const alone = await failure(sandbox.runFunction('throw new RangeError("bad lot");', scope));
      const chained = await failure(sandbox.runFunctionThen('throw new RangeError("bad lot");', scope, then(['1'])));
      expect(chained.toJSON()).toEqual(alone.toJSON());
    });
  });

  it('keeps a comment at the end of an expression from swallowing the rest', async () => {
    expect(JSON.parse(await sandbox.evaluate(['1 // one', '2'], scope))).toEqual([1, 2]);
  });

  it('gives user code the helpers', async () => {
    const out = await sandbox.runFunction(
      `return {
        sum: helpers.decimal.add('0.1', '0.2'),
        due: helpers.date.addDays(params.now, 2),
        plant: helpers.lookup({ '1000': 'Hamburg' }, msg.payload.plant, '?'),
      };`,
      scope,
    );
    expect(JSON.parse(out)).toEqual({ sum: '0.3', due: '2024-03-01T22:30:00.000Z', plant: 'Hamburg' });
  });

  it('reports a thrown error with its message and the line and column in the user code', async () => {
    const error = await failure(sandbox.runFunction('const a = 1;\nconst b = msg.nothing.deeper;\nreturn b;', scope));
    expect(error.code).toBe('SANDBOX_THREW');
    expect(error.reason).toBe('threw');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ name: 'TypeError', line: 2, column: 23 });
    expect(error.message).toMatch(/^The code threw at line 2, column 23: TypeError: Cannot read properties/);
  });

  it('reports what was thrown even when it is not an Error', async () => {
    const error = await failure(sandbox.runFunction('throw "plant not configured";', scope));
    expect(error.details).toMatchObject({ message: 'plant not configured' });
  });

  it('names the expression that threw', async () => {
    const error = await failure(sandbox.evaluate(['true', 'msg.none.x'], scope));
    expect(error.code).toBe('SANDBOX_THREW');
    expect(error.details).toMatchObject({ expression: 1, line: 1, column: 10 });
    expect(error.message).toMatch(/^Expression 2 threw at line 1, column 10/);
  });

  it('reports a syntax error as SANDBOX_COMPILE with its position', async () => {
    const error = await failure(sandbox.runFunction('const a = 1;\nconst b = ;', scope));
    expect(error.code).toBe('SANDBOX_COMPILE');
    expect(error.reason).toBe('threw');
    expect(error.details).toMatchObject({ line: 2, column: 11 });
    const expr = await failure(sandbox.evaluate(['1', '2 +'], scope));
    expect(expr.code).toBe('SANDBOX_COMPILE');
    expect(expr.details).toMatchObject({ expression: 1 });
  });

  it('rejects code that closes its function early instead of running outside it', async () => {
    const error = await failure(sandbox.runFunction('return 1 }); (function () { return 2', scope));
    expect(error.code).toBe('SANDBOX_COMPILE');
    const split = await failure(sandbox.evaluate(['1), (2', '3'], scope));
    expect(split.code).toBe('SANDBOX_COMPILE');
  });

  it.each([
    ['a function', 'return () => 1;'],
    ['a Promise', 'return Promise.resolve(1);'],
    ['a Promise', 'return (async () => 1)();'],
  ])('rejects a result that is %s with SANDBOX_NOT_JSON', async (what, source) => {
    const error = await failure(sandbox.runFunction(source, scope));
    expect(error.code).toBe('SANDBOX_NOT_JSON');
    expect(error.message).toContain(`returned ${what}, which is not JSON`);
  });

  it('rejects results JSON cannot represent', async () => {
    const cyclic = await failure(sandbox.runFunction('const a = {}; a.self = a; return a;', scope));
    expect(cyclic.code).toBe('SANDBOX_NOT_JSON');
    const big = await failure(sandbox.runFunction('return 10n;', scope));
    expect(big.code).toBe('SANDBOX_NOT_JSON');
    const fn = await failure(sandbox.evaluate(['1', 'Math.max'], scope));
    expect(fn.details).toMatchObject({ expression: 1 });
  });

  it('rejects output over maxOutputBytes, counting UTF-8 bytes', async () => {
    const error = await failure(sandbox.runFunction('return "x".repeat(2000);', scope, { maxOutputBytes: 1000 }));
    expect(error.code).toBe('SANDBOX_OUTPUT_TOO_LARGE');
    expect(error.details).toMatchObject({ bytes: 2002, maxOutputBytes: 1000 });
    // 400 euro signs are 402 UTF-16 units but 1202 bytes.
    const utf8 = await failure(sandbox.runFunction('return "€".repeat(400);', scope, { maxOutputBytes: 1000 }));
    expect(utf8.details).toMatchObject({ bytes: 1202 });
    expect(await sandbox.runFunction('return "€".repeat(300);', scope, { maxOutputBytes: 1000 })).toHaveLength(302);
  });

  it('stops a runaway call with SANDBOX_TIMEOUT, which is retryable', async () => {
    const error = await failure(sandbox.runFunction('while (true) {}', scope, { timeoutMs: 50 }));
    expect(error.code).toBe('SANDBOX_TIMEOUT');
    expect(error.reason).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(await sandbox.runFunction('return 1', scope)).toBe('1');
  });

  it('keeps pollution of shared prototypes from reaching the host or the next call', async () => {
    const attempts = [
      '({}).__proto__.polluted = 1; return 1;',
      'Object.prototype.polluted = 1; return 1;',
      'Array.prototype.push = function () { return 42; }; return 1;',
      'JSON.stringify = () => "\\"pwned\\""; return 1;',
      'helpers.decimal.add = () => "pwned"; return 1;',
      'Object.defineProperty(Object.prototype, "polluted", { value: 1 }); return 1;',
      'Object.setPrototypeOf(Object.prototype, { polluted: 1 }); return 1;',
      'Object.prototype.hasOwnProperty.polluted = 1; return 1;',
      'Error.prototype.constructor.polluted = 1; return 1;',
      '(function* () {}).constructor.prototype.polluted = 1; return 1;',
    ];
    for (const attempt of attempts) {
      // Either the write throws (frozen intrinsics, strict mode) or it has no effect.
      await sandbox.runFunction(attempt, scope).catch((e: unknown) => expect(e).toBeInstanceOf(SandboxError));
    }
    const check = `const a = []; a.push(1);
      const seen = [({}).hasOwnProperty, Error, (function* () {}).constructor.prototype].map((o) => o.polluted);
      return [({}).polluted, a.length, JSON.stringify({ x: 1 }), helpers.decimal.add("1", "1"), ...seen];`;
    expect(JSON.parse(await sandbox.runFunction(check, scope))).toEqual([null, 1, '{"x":1}', '2', null, null, null]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the data of one call from the next through shared engine state', async () => {
    await sandbox.runFunction('return /secret-(\\w+)/.exec("x secret-4711 y")[1];', scope);
    const out = await sandbox.runFunction(
      `return [RegExp.$1, RegExp.input, RegExp.lastMatch, RegExp['$_'], RegExp.leftContext];`,
      scope,
    );
    expect(out).not.toContain('4711');
  });

  it('still lets code set own properties named like prototype methods', async () => {
    const source = `const out = {}; for (const k of ['toString', 'constructor', 'valueOf']) out[k] = k;
      const e = new Error('x'); e.name = 'PlantError'; return [out, e.name];`;
    expect(JSON.parse(await sandbox.runFunction(source, scope))).toEqual([
      { toString: 'toString', constructor: 'constructor', valueOf: 'valueOf' },
      'PlantError',
    ]);
  });

  it('compiles each distinct source once', async () => {
    const source = 'return msg.payload.orderId;';
    await sandbox.runFunction(source, scope);
    await sandbox.evaluate(['1', '2'], scope);
    const compiled = sandbox.stats().compiled;
    for (let i = 0; i < 1000; i++) {
      await sandbox.runFunction(source, scope);
      await sandbox.evaluate(['1', '2'], scope);
    }
    expect(sandbox.stats().compiled).toBe(compiled);
    expect(sandbox.stats().calls).toBeGreaterThanOrEqual(2000);
  });

  it('treats a scope that is not JSON as a bug in the caller', async () => {
    await expect(sandbox.runFunction('return 1', '{"msg":')).rejects.toBeInstanceOf(InternalError);
  });

  it('binds to the CodeRunner nodes see', async () => {
    const code = bindCodeRunner(sandbox, scope);
    expect(await code.run('return params.warehouse')).toBe('"WH-01"');
    expect(await code.evaluate(['msg.payload.plant'])).toBe('["1000"]');
  });

  it('rejects calls after close with a CancelledError', async () => {
    const other = create();
    await other.close();
    await expect(other.runFunction('return 1', scope)).rejects.toBeInstanceOf(CancelledError);
    expect(other.stats().isolates).toBe(0);
  });
});
