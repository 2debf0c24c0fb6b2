import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AuthError,
  CancelledError,
  ConfigError,
  DataError,
  ERROR_CATEGORIES,
  FlowError,
  fromJSON,
  InternalError,
  isFlowError,
  RemoteError,
  SandboxError,
  toFlowError,
  TransientError,
  ValidationError,
  type ErrorCategory,
} from './errors.ts';

const make: Record<ErrorCategory, (code: string, message: string) => FlowError> = {
  validation: (c, m) => new ValidationError(c, m),
  config: (c, m) => new ConfigError(c, m),
  auth: (c, m) => new AuthError(c, m),
  transient: (c, m) => new TransientError(c, m, { retryAfterMs: 1500 }),
  remote: (c, m) => new RemoteError(c, m, { status: 409, vendorCode: 'QM/123' }),
  data: (c, m) => new DataError(c, m),
  sandbox: (c, m) => new SandboxError(c, m, { reason: 'timeout' }),
  cancelled: (c, m) => new CancelledError(c, m),
  internal: (c, m) => new InternalError(c, m),
};

describe('error taxonomy', () => {
  it('classifies an error rebuilt from JSON exactly like the original', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ERROR_CATEGORIES),
        fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/),
        fc.string(),
        (category, code, msg) => {
          const original = make[category](code, msg);
          const rebuilt = fromJSON(JSON.parse(JSON.stringify(original)));
          expect(isFlowError(rebuilt)).toBe(true);
          expect(rebuilt.category).toBe(category);
          expect(rebuilt.retryable).toBe(original.retryable);
          expect(rebuilt.code).toBe(code);
          expect(rebuilt.message).toBe(msg);
          expect(rebuilt.name).toBe(original.name);
          expect(rebuilt.toJSON()).toEqual(original.toJSON());
        },
      ),
    );
  });

  it('answers instanceof by category, so a copy from another realm still matches', () => {
    const foreign = fromJSON({
      name: 'x',
      category: 'transient',
      code: 'NETWORK_ECONNRESET',
      message: 'reset',
      retryable: true,
      details: {},
    });
    expect(foreign instanceof TransientError).toBe(true);
    expect(foreign instanceof FlowError).toBe(true);
    expect(foreign instanceof RemoteError).toBe(false);
    expect(new Error('plain') instanceof FlowError).toBe(false);
  });

  it('retries transient errors and sandbox timeouts only', () => {
    expect(new TransientError('T', 't').retryable).toBe(true);
    expect(new SandboxError('S', 's', { reason: 'timeout' }).retryable).toBe(true);
    expect(new SandboxError('S', 's', { reason: 'memory' }).retryable).toBe(false);
    expect(new SandboxError('S', 's', { reason: 'threw' }).retryable).toBe(false);
    for (const c of ['validation', 'config', 'auth', 'remote', 'data', 'cancelled', 'internal'] as const) {
      expect(make[c]('X', 'x').retryable).toBe(false);
    }
  });

  it('keeps Retry-After, HTTP status and vendor code through JSON', () => {
    const t = fromJSON(JSON.parse(JSON.stringify(new TransientError('HTTP_TRANSIENT', '503', { retryAfterMs: 2000 }))));
    expect(t).toBeInstanceOf(TransientError);
    expect((t as TransientError).retryAfterMs).toBe(2000);
    const r = fromJSON(
      JSON.parse(JSON.stringify(new RemoteError('ODATA_ERROR', 'no', { status: 400, vendorCode: 'M7/021' }))),
    );
    expect((r as RemoteError).status).toBe(400);
    expect((r as RemoteError).vendorCode).toBe('M7/021');
  });

  it('keeps the cause chain through JSON', () => {
    const inner = new TransientError('NETWORK_ECONNRESET', 'socket hang up');
    const outer = new RemoteError('ERP_POST_FAILED', 'posting failed', { cause: inner });
    const rebuilt = fromJSON(JSON.parse(JSON.stringify(outer)));
    expect(isFlowError(rebuilt.cause)).toBe(true);
    expect((rebuilt.cause as FlowError).category).toBe('transient');
  });

  it('turns a network errno into a transient error and anything else into an internal one', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(toFlowError(reset)).toBeInstanceOf(TransientError);
    expect(toFlowError(reset).code).toBe('NETWORK_ECONNRESET');
    expect(toFlowError(new TypeError('x is undefined'))).toBeInstanceOf(InternalError);
    expect(toFlowError('a string').message).toContain('a string');
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(toFlowError(abort)).toBeInstanceOf(CancelledError);
    const ours = new DataError('BAD', 'bad');
    expect(toFlowError(ours)).toBe(ours);
  });

  it('rebuilds a serialized error passed through toFlowError', () => {
    const json = new AuthError('HTTP_UNAUTHORIZED', '401').toJSON();
    expect(toFlowError(json)).toBeInstanceOf(AuthError);
  });
});

describe('error causes', () => {
  it('serializes a plain Error cause without recursing', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const json = new TransientError('HTTP_TRANSIENT', 'the request failed', { cause: reset }).toJSON();
    expect(json.cause).toMatchObject({ category: 'internal', code: 'ECONNRESET', message: 'socket hang up' });
    expect(fromJSON(JSON.parse(JSON.stringify(json))).cause).toBeInstanceOf(InternalError);
    expect(toFlowError(reset).toJSON().cause).toMatchObject({ code: 'ECONNRESET' });
  });
});
