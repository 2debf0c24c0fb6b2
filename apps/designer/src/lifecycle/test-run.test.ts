import { describe, expect, it } from 'vitest';
import type { RunTrace, TraceStep } from '../api.ts';
import type { TestRunCase } from './api-lifecycle.ts';
import { caseOutcome, casesOf, caseView, parseEvent, plantOfTests, recordedEvent, sampleCase } from './test-run.ts';

const step = (node: string, over: Partial<TraceStep> = {}): TraceStep => ({
  node,
  type: 'map',
  key: `${node}:${over.attempts ?? 1}:${String(over.input)}`,
  status: 'done',
  attempts: 1,
  startedAt: null,
  durationMs: 3,
  input: null,
  output: null,
  error: null,
  failedAttempts: [],
  ...over,
});

const trace = (steps: TraceStep[]): RunTrace => ({
  runId: '1',
  flow: { id: 'f', version: '1.0.0' },
  plant: 'TEST',
  status: 'dead_lettered',
  acceptedAt: '2026-01-01T00:00:00.000Z',
  endedAt: null,
  durationMs: 10,
  businessKeys: null,
  steps,
});

describe('test runs', () => {
  it("offers the draft's named cases, and none for tests that are not a tests document", () => {
    expect(casesOf({ cases: [{ name: 'a', expect: {} }, { expect: {} }, 'x'] }).map((c) => c.name)).toEqual(['a']);
    expect(casesOf(null)).toEqual([]);
    expect(casesOf({ cases: 'no' })).toEqual([]);
  });

  it('says why a pasted event is not JSON', () => {
    expect(parseEvent('{"lot": 1}')).toEqual({ ok: true, value: { lot: 1 } });
    const bad = parseEvent('{"lot": ');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^not JSON: /);
    expect(parseEvent('  ')).toEqual({ ok: false, error: 'paste an event as JSON' });
  });

  it("makes a sample case without expectations, borrowing a case's canned answers when asked", () => {
    expect(sampleCase({ a: 1 })).toEqual({ name: 'sample event', event: { a: 1 }, expect: {} });
    const from = { name: 'ok', mocks: { erp: [] }, expect: { status: 'succeeded' } };
    expect(sampleCase(null, { mocksFrom: from, trigger: 'hook' })).toEqual({
      name: 'sample event',
      event: null,
      expect: {},
      mocks: { erp: [] },
      trigger: 'hook',
    });
  });

  it("takes a recorded run's event from its first step's input", () => {
    expect(recordedEvent(trace([step('a', { input: { topic: 't' } }), step('b', { input: 2 })]))).toEqual({
      topic: 't',
    });
    expect(recordedEvent(trace([]))).toBeUndefined();
  });

  it("turns a case's trace into a canvas overlay and each node's steps", () => {
    const c: TestRunCase = {
      name: 'parks',
      ok: false,
      failures: ['the run ended dead_lettered, expected succeeded'],
      status: 'dead_lettered',
      durationMs: 40,
      trace: trace([
        step('split', { output: [1, 2] }),
        step('each', { input: 1 }),
        step('each', { input: 2 }),
        step('park', { status: 'parked', error: { code: 'NOT_OK' } }),
      ]),
    };
    const first = caseView(c, 1);
    expect(first.overlay!.nodes.get('park')!.failed).toBe(true);
    expect(first.overlay!.nodes.get('each')!.attempts).toBe(2);
    expect(first.steps.get('each')!.map((s) => s.input)).toEqual([1, 2]);
    expect(caseView(c, 2).overlay!.key).not.toBe(first.overlay!.key);
    expect(caseOutcome(c)).toBe('failed (dead_lettered): the run ended dead_lettered, expected succeeded');
  });

  it('has no overlay for a case whose run never started', () => {
    const v = caseView({ name: 'x', ok: false, failures: ['boom'], status: null, durationMs: 1 }, 1);
    expect(v.overlay).toBeUndefined();
    expect(v.steps.size).toBe(0);
    expect(caseOutcome({ name: 'x', ok: true, failures: [], status: 'succeeded', durationMs: 1 })).toBe(
      'passed (succeeded)',
    );
  });

  it("picks the plant whose profile the draft's tests name, when it is installed", () => {
    expect(plantOfTests({ profile: '../profiles/P100.json' }, ['P100', 'P200'])).toBe('P100');
    expect(plantOfTests({ profile: '../profiles/P300.json' }, ['P100'])).toBeUndefined();
    expect(plantOfTests({}, ['P100'])).toBeUndefined();
    expect(plantOfTests(null, ['P100'])).toBeUndefined();
  });
});
