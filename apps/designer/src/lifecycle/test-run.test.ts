import { describe, expect, it } from 'vitest';
import type { RunTrace, TraceStep } from '../api.ts';
import type { TestRunCase } from './api-lifecycle.ts';
import {
  caseOutcome,
  casesOf,
  caseView,
  keptCase,
  parseEvent,
  plantOfTests,
  recordedEvent,
  sampleCase,
  withCase,
  withoutCase,
} from './test-run.ts';

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

  describe('keeping a sample run as a test case', () => {
    const flow = {
      nodes: [
        { id: 'hook', type: 'trigger.webhook' },
        { id: 'check', type: 'validate' },
        { id: 'post', type: 'http.request' },
        { id: 'reject', type: 'dead-letter' },
      ],
    };
    const sample = sampleCase(
      { lot: 'B1' },
      { mocksFrom: { name: 'x', mocks: { erp: [] }, expect: {} }, trigger: 'hook' },
    );
    const ran = (status: string, steps: TraceStep[], ok = true): TestRunCase => ({
      name: 'sample event',
      ok,
      failures: ok ? [] : ['erp: GET /x matched no canned answer (answered 501)'],
      status,
      durationMs: 5,
      trace: { ...trace(steps), status },
    });

    it('expects what the run did: how it ended, the nodes it ran and those it did not', () => {
      const kept = keptCase(
        sample,
        ran('succeeded', [step('check'), step('post'), step('post')]),
        flow,
        '  lot B1 goes through ',
      );
      expect(kept).toEqual({
        name: 'lot B1 goes through',
        event: { lot: 'B1' },
        mocks: { erp: [] },
        trigger: 'hook',
        expect: { status: 'succeeded', visits: ['check', 'post'], skips: ['reject'] },
      });
    });

    it('expects the dead letter where the run parked, with its code', () => {
      const kept = keptCase(
        sample,
        ran('dead_lettered', [step('check'), step('reject', { status: 'parked', error: { code: 'BAD_LOT' } })]),
        flow,
        'a bad lot is parked',
      );
      expect(kept).toMatchObject({
        expect: {
          status: 'dead_lettered',
          visits: ['check', 'reject'],
          skips: ['post'],
          deadLetter: { node: 'reject', code: 'BAD_LOT' },
        },
      });
    });

    it("takes a live run's recorded exchanges as the case's canned answers", () => {
      const exchange = { request: { method: 'GET', path: '/orders/1' }, response: { status: 200, json: {} }, times: 1 };
      const live = { ...ran('succeeded', [step('check'), step('post')]), recorded: { erp: [exchange], qms: [] } };
      expect(keptCase(sample, live, flow, 'live')).toMatchObject({ mocks: { erp: [exchange] } });
      expect(keptCase(sample, { ...live, recorded: { qms: [] } }, flow, 'live')).not.toHaveProperty('mocks');
    });

    it('refuses a run that failed, did not end, or a case without a name', () => {
      expect(keptCase(sample, ran('succeeded', [step('check')], false), flow, 'x')).toMatch(/did not pass/);
      expect(keptCase(sample, ran('running', [step('check', { status: 'leased' })]), flow, 'x')).toMatch(/did not end/);
      expect(keptCase(sample, ran('succeeded', [step('check')]), flow, '  ')).toBe('give the test case a name');
    });

    it("adds the case to the draft's tests, keeping their profile, and refuses a name taken", () => {
      const c = { name: 'new', event: 1, expect: {} };
      expect(withCase(null, 'f', c, '')).toEqual({ schemaVersion: 1, flow: 'f', cases: [c] });
      const tests = {
        schemaVersion: 1,
        flow: 'f',
        profile: '../profiles/P100.json',
        cases: [{ name: 'old', expect: {} }],
      };
      expect(withCase(tests, 'f', c, 'P100')).toEqual({ ...tests, cases: [...tests.cases, c] });
      expect(withCase(tests, 'f', { ...c, name: 'old' }, 'P100')).toBe('a test case named “old” exists already');
      expect(withoutCase(tests, 'old')).toEqual({ ...tests, cases: [] });
    });

    it("names the run's plant profile for the draft's tests, and refuses a run with another plant", () => {
      const c = { name: 'new', event: 1, expect: {} };
      // Canned answers recorded against P100 carry its paths: the cases must run with its profile.
      expect(withCase(null, 'f', c, 'P100')).toEqual({
        schemaVersion: 1,
        flow: 'f',
        profile: '../profiles/P100.json',
        cases: [c],
      });
      const tests = { schemaVersion: 1, flow: 'f', profile: '../profiles/P100.json', cases: [] };
      expect(withCase(tests, 'f', c, 'P200')).toMatch(/run with plant P100's profile/);
      expect(withCase(tests, 'f', c, '')).toMatch(/run with plant P100's profile/);
    });
  });
});
