/**
 * Published vm2 / node:vm escape payloads, run against the isolated-vm sandbox only (the
 * in-process one is no boundary). Each must end in a SandboxError or in a result holding no host
 * object; none may reach the host.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SandboxError } from '@millrace/node-sdk';
import { createIsolatedVmSandbox, scopeJson } from './index.ts';

const sandbox = createIsolatedVmSandbox();
afterAll(() => sandbox.close());
const scope = scopeJson('{"payload":{}}');

/** Wraps a payload that yields a would-be `process` and reports what it actually got. */
const probe = (attempt: string) => `
  const p = (() => { ${attempt} })();
  const seen = (v) => v !== undefined && v !== null;
  return {
    type: typeof p,
    env: seen(p) && seen(p.env),
    mainModule: seen(p) && seen(p.mainModule),
    binding: seen(p) && typeof p.binding === 'function',
  };`;

const payloads: [string, string][] = [
  ['this.constructor.constructor', "return this.constructor.constructor('return process')();"],
  ['({}).constructor.constructor', "return ({}).constructor.constructor('return this')().process;"],
  ['new Function', "return new Function('return process')();"],
  ['Function returning globalThis.process', "return Function('return globalThis.process')();"],
  ['sloppy this via Function', "return Function('return this')().process;"],
  ['indirect eval', "return (0, eval)('this').process;"],
  ['direct eval', 'return eval(\'typeof process === "undefined" ? undefined : process\');'],
  ['helpers.constructor.constructor', "return helpers.constructor.constructor('return process')();"],
  ['helper function constructor', "return helpers.lookup.constructor('return process')();"],
  ['GeneratorFunction', "return (function* () {}).constructor('yield process')().next().value;"],
  ['AsyncFunction', "return (async () => {}).constructor('return process')();"],
  ['Reflect.construct(Function)', "return Reflect.construct(Function, ['return this'])().process;"],
  ['require', "return require('child_process');"],
  ['module.require', "return module.require('fs');"],
  ['globalThis.process', 'return globalThis.process;'],
  ['global.process', 'return global.process;'],
  ['arguments.callee.caller', 'return arguments.callee.caller;'],
  ['sloppy arguments.callee.caller', "return Function('return arguments.callee.caller')();"],
  ['caller of a helper', 'return helpers.lookup.caller;'],
  [
    'Error.prepareStackTrace getThis',
    `Error.prepareStackTrace = (e, frames) => frames.map((f) => f.getThis());
     return new Error().stack.find((t) => t && t.process);`,
  ],
  [
    'Error.prepareStackTrace swallowed',
    `try { Error.prepareStackTrace = (e, frames) => frames; } catch {}
     const s = new Error().stack; return typeof s === 'string' ? undefined : s[0].getFunction();`,
  ],
  [
    'Error.captureStackTrace with a custom prepare',
    `const o = {}; Error.captureStackTrace(o); return typeof o.stack === 'string' ? undefined : o.stack;`,
  ],
  [
    'Proxy as thrown error',
    `throw new Proxy(new Error('x'), { get(t, k) { return k === 'message' ? this.constructor.constructor('return process')() : t[k]; } });`,
  ],
  [
    'Proxy trap receiving host values',
    `let leaked; const p = new Proxy({}, { get(t, k, r) { leaked = r && r.constructor && r.constructor.constructor('return process')(); return undefined; } });
     JSON.stringify(p); String(p.x); return leaked;`,
  ],
  [
    'Proxy with getPrototypeOf into host',
    `const p = new Proxy(function () {}, { apply(t, self, args) { return args.constructor.constructor('return process')(); } });
     return p();`,
  ],
  [
    'Symbol.species on a Promise subclass',
    `let got; class P extends Promise { static get [Symbol.species]() { return function (ex) { ex((v) => (got = v), () => {}); }; } }
     P.resolve(1).then(() => {}); return got && got.constructor && got.constructor.constructor('return process')();`,
  ],
  ['dynamic import', "return import('fs');"],
  ['dynamic import awaited', "return (async () => (await import('node:child_process')).execSync)();"],
  ['process.binding', "return process.binding('spawn_sync');"],
  ['Buffer', 'return Buffer.from("x").constructor.constructor("return process")();'],
  ['setTimeout', "return setTimeout.constructor('return process')();"],
  ['console', "return console.log.constructor('return process')();"],
  ['fetch', "return fetch('http://127.0.0.1/');"],
  ['WebAssembly', 'return WebAssembly.Memory;'],
  ['__proto__ of the scope', "return msg.__proto__.constructor.constructor('return process')();"],
];

describe('isolated-vm sandbox against escape payloads', () => {
  it.each(payloads)('contains %s', async (_name, attempt) => {
    let out: string;
    try {
      out = await sandbox.runFunction(probe(attempt), scope);
    } catch (e) {
      expect(e).toBeInstanceOf(SandboxError);
      return;
    }
    const result = JSON.parse(out) as { type: string; env: boolean; mainModule: boolean; binding: boolean };
    expect(result).toMatchObject({ env: false, mainModule: false, binding: false });
    expect(['undefined', 'object', 'string', 'number', 'function', 'boolean']).toContain(result.type);
  });

  it('uses a probe that does see a host process when there is one', () => {
    const inHost = new Function(probe('return process;')) as () => { env: boolean; mainModule: boolean };
    expect(inHost()).toMatchObject({ env: true });
  });

  it('exposes no host globals at all', async () => {
    const names = [
      'require',
      'process',
      'module',
      'exports',
      'global',
      'console',
      'setTimeout',
      'setInterval',
      'setImmediate',
      'queueMicrotask',
      'fetch',
      'Buffer',
      'WebAssembly',
      'SharedArrayBuffer',
      'Atomics',
    ];
    const out = await sandbox.runFunction(`return ${JSON.stringify(names)}.filter((n) => n in globalThis);`, scope);
    expect(JSON.parse(out)).toEqual([]);
  });

  it('leaves nothing reachable unfrozen for one call to stash state in for the next', async () => {
    const walk = `
      const seen = new Set(); const open = []; const stack = [[globalThis, 'globalThis'], [helpers, 'helpers']];
      while (stack.length) {
        const [value, path] = stack.pop();
        if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
        seen.add(value);
        if (!Object.isFrozen(value)) open.push(path);
        for (const key of Reflect.ownKeys(value)) {
          const d = Object.getOwnPropertyDescriptor(value, key);
          const at = path + '.' + String(key);
          if ('value' in d) stack.push([d.value, at]);
          else {
            stack.push([d.get, at + '<get>'], [d.set, at + '<set>']);
            try { stack.push([d.get && d.get.call(value), at + '()']); } catch {}
          }
        }
        stack.push([Object.getPrototypeOf(value), path + '.__proto__']);
      }
      return { open, count: seen.size };`;
    const result = JSON.parse(await sandbox.runFunction(walk, scope)) as { open: string[]; count: number };
    expect(result.open).toEqual([]);
    expect(result.count).toBeGreaterThan(500);
  });

  it('keeps a global written in one call away from the next', async () => {
    await sandbox.runFunction('globalThis.stash = 1; return 1;', scope).catch(() => undefined);
    await sandbox.runFunction('stash = 1; return 1;', scope).catch(() => undefined);
    expect(await sandbox.runFunction('return typeof globalThis.stash;', scope)).toBe('"undefined"');
  });

  it('survives a stack overflow', async () => {
    const error = await sandbox.runFunction('const f = () => f(); return f();', scope).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SANDBOX_THREW', details: { name: 'RangeError' } });
    expect(await sandbox.runFunction('return 1', scope)).toBe('1');
  });

  it('reports an unhandled rejection (import() included) as the code failing', async () => {
    const error = await sandbox.runFunction('Promise.reject(new Error("late")); return 1;', scope).catch((e) => e);
    expect(error).toMatchObject({ code: 'SANDBOX_THREW', details: { message: 'late' } });
  });
});
