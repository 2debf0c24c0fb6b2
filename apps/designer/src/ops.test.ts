import { describe, expect, it } from 'vitest';
import type { RunTrace, TraceStep } from './api.ts';
import { age } from './DeadLettersPage.tsx';
import { overlayOf, pretty, stepFailed } from './run-view.ts';

const step = (node: string, over: Partial<TraceStep> = {}): TraceStep => ({
  node,
  type: 'map',
  key: `${node}#${over.attempts ?? 1}`,
  status: 'done',
  attempts: 1,
  startedAt: null,
  durationMs: 5,
  input: null,
  output: null,
  error: null,
  failedAttempts: [],
  ...over,
});

describe('run overlay', () => {
  it('marks the parked or failed node and sums attempts and durations per node', () => {
    const trace = {
      runId: '7',
      status: 'dead_lettered',
      steps: [
        step('a'),
        step('b', { key: 'b1', attempts: 2, durationMs: 10 }),
        step('b', { key: 'b2', attempts: 1, durationMs: null }),
        step('c', { status: 'parked', attempts: 0, durationMs: 0 }),
      ],
    } as unknown as RunTrace;
    const o = overlayOf(trace);
    expect(o.key).toBe('7:dead_lettered:4');
    expect(o.nodes.get('a')).toEqual({ status: 'done', attempts: 1, durationMs: 5, failed: false });
    expect(o.nodes.get('b')).toEqual({ status: 'done', attempts: 3, durationMs: 10, failed: false });
    expect(o.nodes.get('c')!.failed).toBe(true);
    expect(stepFailed({ status: 'done', error: { message: 'x' } })).toBe(true);
    expect(pretty(undefined)).toBe('(none)');
    expect(pretty({ a: 1 })).toBe('{\n  "a": 1\n}');
  });

  it('tells the age of a dead letter coarsely', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(age(null, now)).toBe('');
    expect(age('2026-01-01T23:59:30Z', now)).toBe('30 s');
    expect(age('2026-01-01T23:55:00Z', now)).toBe('5 min');
    expect(age('2026-01-01T21:00:00Z', now)).toBe('3 h');
    expect(age('2025-12-30T00:00:00Z', now)).toBe('3 d');
  });
});
