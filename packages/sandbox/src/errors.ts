/** Turns what the sandbox reports into SandboxErrors with plain messages. */
import { InternalError, SandboxError } from '@millrace/node-sdk';
import type { FlowError } from '@millrace/node-sdk';
import { CODE_FILE, userPosition } from './source.ts';
import type { PreparedSource, UserPosition } from './source.ts';
import type { SandboxLimits } from './types.ts';

export function timeoutError(limits: SandboxLimits): SandboxError {
  return new SandboxError(
    'SANDBOX_TIMEOUT',
    `The code ran longer than its ${limits.timeoutMs} ms limit and was stopped.`,
    {
      reason: 'timeout',
      details: { timeoutMs: limits.timeoutMs },
    },
  );
}

export function memoryError(limits: SandboxLimits): SandboxError {
  return new SandboxError(
    'SANDBOX_MEMORY',
    `The code used more than its ${limits.memoryMb} MB memory limit and was stopped.`,
    { reason: 'memory', details: { memoryMb: limits.memoryMb } },
  );
}

/** A failure of user code that escaped the runner's own error handling. */
export function unhandledError(thrown: unknown): SandboxError {
  const message =
    typeof thrown === 'object' && thrown !== null && typeof (thrown as { message?: unknown }).message === 'string'
      ? (thrown as { message: string }).message
      : String(thrown);
  return new SandboxError('SANDBOX_THREW', `The code failed: ${message}`, { reason: 'threw', details: { message } });
}

function subject(prepared: PreparedSource, position: UserPosition | undefined, index?: number): string {
  const expression = index ?? position?.expression;
  return prepared.kind === 'expressions' && expression !== undefined ? `Expression ${expression + 1}` : 'The code';
}

function where(position: UserPosition | undefined): string {
  return position ? ` at line ${position.line}, column ${position.column}` : '';
}

function positionDetails(position: UserPosition | undefined): Record<string, number> {
  return position ? { ...position } : {};
}

const POSITION_SUFFIX = new RegExp(`\\s*\\[${CODE_FILE}:(\\d+):(\\d+)\\]$`);
const VM_POSITION = new RegExp(`^${CODE_FILE}:(\\d+)\\n([^\\n]*)\\n(\\s*)\\^`);

/**
 * A syntax error thrown by compiling the script (isolated-vm appends "[file:line:col]" to the
 * message; node:vm puts "file:line", the line and a caret at the top of the stack) or by the
 * in-sandbox check of each piece (no position).
 */
export function compileError(prepared: PreparedSource, thrown: unknown): SandboxError {
  // Errors from node:vm's context come from another realm: read them by shape, not instanceof.
  const shape = typeof thrown === 'object' && thrown !== null ? (thrown as { message?: unknown; stack?: unknown }) : {};
  const raw = typeof shape.message === 'string' ? shape.message : String(thrown);
  let message = raw;
  let line: number | undefined;
  let column: number | undefined;
  const suffix = POSITION_SUFFIX.exec(raw);
  if (suffix) {
    message = raw.slice(0, suffix.index);
    line = Number(suffix[1]);
    column = Number(suffix[2]);
  } else if (typeof shape.stack === 'string') {
    const vm = VM_POSITION.exec(shape.stack);
    if (vm) {
      line = Number(vm[1]);
      column = vm[3]!.length + 1;
    }
  }
  const position = userPosition(prepared, line, column);
  const what = prepared.kind === 'expressions' && !position ? 'An expression' : subject(prepared, position);
  return new SandboxError('SANDBOX_COMPILE', `${what} has a syntax error${where(position)}: ${message}`, {
    reason: 'threw',
    details: { message, ...positionDetails(position) },
  });
}

/** What the prelude sends back in place of a result (see `fail` in runtime/prelude.js). */
interface Envelope {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  line?: unknown;
  column?: unknown;
  what?: unknown;
  expression?: unknown;
  bytes?: unknown;
}

const text = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function envelopeError(encoded: string, prepared: PreparedSource, limits: SandboxLimits): FlowError {
  let envelope: Envelope;
  try {
    envelope = JSON.parse(encoded.slice(1)) as Envelope;
  } catch {
    envelope = {};
  }
  switch (envelope.code) {
    case 'threw': {
      const position = userPosition(prepared, num(envelope.line), num(envelope.column));
      const name = text(envelope.name, 'Error');
      const message = text(envelope.message, '');
      return new SandboxError(
        'SANDBOX_THREW',
        `${subject(prepared, position)} threw${where(position)}: ${name}: ${message}`,
        {
          reason: 'threw',
          details: { name, message, ...positionDetails(position) },
        },
      );
    }
    case 'memory':
      return memoryError(limits);
    case 'not-json': {
      const index = num(envelope.expression);
      const what = text(envelope.what, '');
      const details = index === undefined ? {} : { expression: index };
      if (what) {
        const hint = what === 'a Promise' ? ' The sandbox does not run asynchronous code.' : '';
        return new SandboxError(
          'SANDBOX_NOT_JSON',
          `${subject(prepared, undefined, index)} returned ${what}, which is not JSON; return plain data (objects, arrays, strings, numbers, booleans or null).${hint}`,
          { reason: 'threw', details: { ...details, returned: what } },
        );
      }
      const message = text(envelope.message, 'unknown reason');
      return new SandboxError('SANDBOX_NOT_JSON', `The result cannot be turned into JSON: ${message}`, {
        reason: 'threw',
        details: { message },
      });
    }
    case 'too-large': {
      const bytes = num(envelope.bytes);
      return new SandboxError(
        'SANDBOX_OUTPUT_TOO_LARGE',
        `The result is ${bytes ?? 'more than'} bytes of JSON, more than the limit of ${limits.maxOutputBytes} bytes.`,
        { reason: 'memory', details: { bytes, maxOutputBytes: limits.maxOutputBytes } },
      );
    }
    case 'malformed':
      return new SandboxError(
        'SANDBOX_COMPILE',
        'An expression closes its parentheses early, so the expressions do not give one value each.',
        { reason: 'threw', details: {} },
      );
    case 'scope':
      return new InternalError(
        'SANDBOX_BAD_SCOPE',
        `The scope passed to the sandbox is not valid JSON: ${text(envelope.message, '')}`,
      );
    default:
      return new InternalError('SANDBOX_INTERNAL', 'The sandbox sent back a failure it could not describe.');
  }
}
