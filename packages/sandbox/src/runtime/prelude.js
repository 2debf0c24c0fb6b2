// Evaluated once in every sandbox context (isolated-vm and node:vm alike), never in the host.
// It captures the intrinsics the runners need, removes what pure mapping code has no use for,
// freezes every reachable intrinsic so that one call cannot leave state for the next, and returns
// `prepare`, which wraps a compiled user function into a runner: JSON text in, JSON text out.
// The host wraps this file and helpers.js in one function body (see bootstrapSource in source.ts).

// eslint-disable-next-line @typescript-eslint/no-unused-vars
function millracePrelude(helpers, options) {
  'use strict';
  const { parse, stringify } = JSON;
  const FunctionCtor = Function;
  const PromiseCtor = Promise;
  const isArray = Array.isArray;
  const { freeze, getPrototypeOf, getOwnPropertyDescriptor, defineProperty, hasOwn } = Object;
  const ownKeys = Reflect.ownKeys;
  const SetCtor = Set;
  const FILE = options.file;
  const POSITION = new RegExp(FILE.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&') + ':(\\d+):(\\d+)');
  const MAX_MESSAGE = 2000;

  // Nothing here is a host object, but shared memory and Wasm add surface that mapping code
  // never needs, and V8's own `console` talks to an inspector: user code gets none of them.
  for (const name of ['WebAssembly', 'SharedArrayBuffer', 'Atomics', 'console']) delete globalThis[name];
  // RegExp.$1, RegExp.input and friends expose the last match of ANY call in this context, so one
  // flow could read another flow's data. Freezing does not stop V8 updating them: delete them.
  for (const name of Object.getOwnPropertyNames(RegExp)) {
    if (!['length', 'name', 'prototype'].includes(name)) delete RegExp[name];
  }

  // Freezing a prototype makes `obj.toString = …` on an ordinary object throw (the "override
  // mistake"), and mapping code does `out[key] = value` with keys taken from data. So the data
  // properties of the prototypes such keys would hit become accessors whose setter defines an
  // own property on the target instead: same reads, no shared writes.
  // The original values now live only in the accessors' closures; harden() must still reach them.
  const overridden = [];
  function enableOverride(proto, name) {
    const desc = getOwnPropertyDescriptor(proto, name);
    if (!desc || !('value' in desc) || !desc.configurable) return;
    const value = desc.value;
    overridden.push(value);
    defineProperty(proto, name, {
      get() {
        return value;
      },
      set(next) {
        if (this === proto) throw new TypeError(`Cannot assign to the shared property '${String(name)}'`);
        if (hasOwn(this, name)) this[name] = next;
        else defineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: desc.enumerable,
      configurable: false,
    });
  }
  const errorProtos = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError].map(
    (c) => c.prototype,
  );
  for (const name of ownKeys(Object.prototype)) {
    if (typeof name === 'string' && name !== '__proto__') enableOverride(Object.prototype, name);
  }
  for (const proto of errorProtos) for (const name of ['name', 'message', 'constructor']) enableOverride(proto, name);

  // Intrinsics not reachable by walking from globalThis.
  const hidden = [
    getPrototypeOf(function* () {}),
    getPrototypeOf(async function () {}),
    getPrototypeOf(async function* () {}),
    getPrototypeOf([][Symbol.iterator]()),
    getPrototypeOf(''[Symbol.iterator]()),
    getPrototypeOf(new Map()[Symbol.iterator]()),
    getPrototypeOf(new Set()[Symbol.iterator]()),
    getPrototypeOf(/a/[Symbol.matchAll]('a')),
  ];

  /** Deep-freezes everything reachable through own properties, accessors and prototypes. */
  function harden(roots) {
    const seen = new SetCtor();
    const stack = [...roots];
    while (stack.length > 0) {
      const value = stack.pop();
      if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
      seen.add(value);
      for (const key of ownKeys(value)) {
        const desc = getOwnPropertyDescriptor(value, key);
        if (!desc) continue;
        if ('value' in desc) stack.push(desc.value);
        else stack.push(desc.get, desc.set);
      }
      stack.push(getPrototypeOf(value));
      if (value === globalThis) freezeGlobal();
      else freeze(value);
    }
  }

  // node:vm's global object refuses freeze and preventExtensions; there the existing globals are
  // locked one by one and new ones can still be added (the in-process sandbox is no boundary).
  function freezeGlobal() {
    try {
      freeze(globalThis);
    } catch {
      for (const key of ownKeys(globalThis)) {
        const desc = getOwnPropertyDescriptor(globalThis, key);
        if (!desc || !desc.configurable) continue;
        if ('value' in desc) desc.writable = false;
        desc.configurable = false;
        defineProperty(globalThis, key, desc);
      }
    }
  }

  /** A short plain description of anything thrown, without trusting the thrown value. */
  function describe(thrown) {
    let name = 'Error';
    let message;
    let line;
    let column;
    try {
      if ((typeof thrown === 'object' && thrown !== null) || typeof thrown === 'function') {
        const m = thrown.message;
        message = typeof m === 'string' ? m : String(thrown);
        const n = thrown.name;
        if (typeof n === 'string') name = n;
        const stack = thrown.stack;
        const at = typeof stack === 'string' ? POSITION.exec(stack) : null;
        if (at) {
          line = Number(at[1]);
          column = Number(at[2]);
        }
      } else {
        message = String(thrown);
      }
    } catch {
      message = 'a value that cannot be described';
    }
    if (message.length > MAX_MESSAGE) message = message.slice(0, MAX_MESSAGE) + '…';
    if (name.length > 100) name = 'Error';
    return { name, message, line, column };
  }

  // Results are JSON text; a failure is U+0001 followed by a JSON envelope. JSON text never
  // starts with a control character, so the host tells them apart by the first char only.
  function fail(envelope) {
    return '\u0001' + stringify(envelope);
  }

  function threw(thrown) {
    const d = describe(thrown);
    const memory = d.name === 'RangeError' && d.message === 'Array buffer allocation failed';
    return fail({ code: memory ? 'memory' : 'threw', ...d });
  }

  function notJson(value) {
    if (typeof value === 'function') return 'a function';
    if (typeof value === 'symbol') return 'a symbol';
    if (value instanceof PromiseCtor) return 'a Promise';
    if (typeof value === 'object' && value !== null && typeof value.then === 'function') return 'a Promise';
    return undefined;
  }

  function utf8Length(text) {
    let bytes = text.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // Each half of a surrogate pair adds 1: a pair is 2 UTF-16 units and 4 UTF-8 bytes.
      if (c >= 0x80) bytes += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
    }
    return bytes;
  }

  function encode(value, maxBytes) {
    let text;
    try {
      text = stringify(value);
    } catch (e) {
      return fail({ code: 'not-json', message: describe(e).message });
    }
    if (text === undefined) text = 'null';
    // UTF-8 is at most 3 bytes per UTF-16 unit, and at least 1: count only in between.
    if (text.length * 3 > maxBytes && (text.length > maxBytes || utf8Length(text) > maxBytes)) {
      return fail({ code: 'too-large', bytes: text.length > maxBytes ? text.length : utf8Length(text) });
    }
    return text;
  }

  /**
   * Wraps a compiled user function. `checksJson` holds the user's pieces of source, each parsed
   * on its own with the Function constructor, which rejects code that closes the wrapper early.
   */
  function prepare(fn, kind, checksJson, count) {
    const checks = parse(checksJson);
    if (kind === 'function') {
      new FunctionCtor('msg', 'params', 'helpers', '"use strict";\n' + checks[0] + '\n');
      return function runFunction(scopeJson, maxBytes) {
        let scope;
        try {
          scope = parse(scopeJson);
        } catch (e) {
          return fail({ code: 'scope', message: describe(e).message });
        }
        let value;
        try {
          value = fn(scope.msg, scope.params, helpers);
        } catch (e) {
          return threw(e);
        }
        const bad = notJson(value);
        return bad ? fail({ code: 'not-json', what: bad }) : encode(value, maxBytes);
      };
    }
    for (const source of checks) new FunctionCtor('msg', 'params', 'helpers', 'return (\n' + source + '\n);');
    return function runExpressions(scopeJson, maxBytes) {
      let scope;
      try {
        scope = parse(scopeJson);
      } catch (e) {
        return fail({ code: 'scope', message: describe(e).message });
      }
      let values;
      try {
        values = fn(scope.msg, scope.params, helpers);
      } catch (e) {
        return threw(e);
      }
      // Only an expression that splits itself with a comma at the top level can change the count.
      if (!isArray(values) || values.length !== count) return fail({ code: 'malformed' });
      for (let i = 0; i < count; i++) {
        const bad = notJson(values[i]);
        if (bad) return fail({ code: 'not-json', what: bad, expression: i });
      }
      return encode(values, maxBytes);
    };
  }

  /**
   * Two runners as one call: `first` (a function), then `next` (expressions) on the scope the next
   * node will get, spliced as prefix + first's JSON text + suffix. One crossing instead of two.
   * The result is first's text, or first's text, U+0002 and next's text (success or envelope):
   * JSON text never holds a raw control character, so the host splits at the first U+0002.
   */
  function chain(first, next) {
    return function runChained(scopeJson, maxBytes, prefix, suffix) {
      const out = first(scopeJson, maxBytes);
      if (out.charCodeAt(0) === 1) return out;
      return out + '\u0002' + next(prefix + out + suffix, maxBytes);
    };
  }

  const api = { prepare, chain };
  if (options.dispatch) {
    // node:vm applies its timeout only to a script run, so the in-process sandbox calls through
    // one fixed script that reads the armed call from here. Not a security boundary (see README).
    let armed;
    api.arm = (runner, scopeJson, maxBytes) => {
      armed = [runner, scopeJson, maxBytes];
    };
    defineProperty(globalThis, '__millraceDispatch', {
      value() {
        const call = armed;
        armed = undefined;
        return call ? call[0](call[1], call[2]) : undefined;
      },
    });
  }

  harden([globalThis, ...hidden, ...overridden, helpers]);
  return api;
}
