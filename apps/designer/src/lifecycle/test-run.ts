// A test run as the editor shows it: which case to run (one of the draft's own, or a sample event
// with no expectations), and the answer as a canvas overlay plus every node's steps with their
// input, output and error. Pure, so it is tested without a browser.
import type { RunTrace, TraceStep } from '../api.ts';
import type { CanvasOverlay } from '../FlowCanvas.tsx';
import { overlayOf } from '../run-view.ts';
import type { TestRunCase } from './api-lifecycle.ts';

export type JsonCase = Record<string, unknown> & { readonly name: string };

/** The draft's own test cases (a flow tests document, as saved; anything else has none). */
export function casesOf(tests: unknown): JsonCase[] {
  const cases = (tests as { cases?: unknown } | null | undefined)?.cases;
  if (!Array.isArray(cases)) return [];
  return cases.filter(
    (c): c is JsonCase => typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string',
  );
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** A pasted event: JSON, or the parser's complaint (with where it stopped). */
export function parseEvent(text: string): Parsed {
  if (text.trim() === '') return { ok: false, error: 'paste an event as JSON' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export const SAMPLE_CASE_NAME = 'sample event';

/**
 * A case for a sample event: no expectations (it only shows what the flow does), the canned
 * answers of one of the draft's cases when given (without them, a request to a connection is
 * answered 501 and the run shows where it went out), and its trigger when the flow has several.
 */
export function sampleCase(event: unknown, options: { mocksFrom?: JsonCase; trigger?: string } = {}): JsonCase {
  const from = options.mocksFrom;
  return {
    name: SAMPLE_CASE_NAME,
    event,
    expect: {},
    ...(from?.mocks !== undefined ? { mocks: from.mocks } : {}),
    ...(from?.signals !== undefined ? { signals: from.signals } : {}),
    ...(options.trigger ? { trigger: options.trigger } : {}),
  };
}

/**
 * The event a recorded run started with: its first step's input is the event as the trigger
 * handed it on, the shape a test case's `event` has.
 */
export function recordedEvent(trace: Pick<RunTrace, 'steps'>): unknown {
  return trace.steps[0]?.input;
}

export interface CaseView {
  /** The case's run over the canvas, when the run started. */
  readonly overlay?: CanvasOverlay;
  /** Per node, its steps in order (a node inside a loop or after a split runs more than once). */
  readonly steps: ReadonlyMap<string, readonly TraceStep[]>;
}

/**
 * One case of a test-run answer for the canvas and the node panel. `seq` tells runs apart: each
 * test run starts a fresh engine, so run ids repeat, and the canvas must redraw anyway.
 */
export function caseView(c: TestRunCase, seq: number): CaseView {
  const steps = new Map<string, TraceStep[]>();
  for (const s of c.trace?.steps ?? []) steps.set(s.node, [...(steps.get(s.node) ?? []), s]);
  if (!c.trace) return { steps };
  const o = overlayOf(c.trace);
  return { overlay: { key: `test-${seq}:${c.name}:${o.key}`, nodes: o.nodes }, steps };
}

/** A case's outcome in a few words: passed, or the first failure. */
export function caseOutcome(c: TestRunCase): string {
  if (c.ok) return `passed${c.status ? ` (${c.status})` : ''}`;
  return `failed${c.status ? ` (${c.status})` : ''}: ${c.failures[0] ?? 'no reason given'}`;
}

/**
 * The plant whose profile a tests document names (`"profile": "../profiles/P100.json"`), when
 * that plant is installed: its cases' canned answers expect that profile's base paths and params.
 */
export function plantOfTests(tests: unknown, plants: readonly string[]): string | undefined {
  const profile = (tests as { profile?: unknown } | null | undefined)?.profile;
  if (typeof profile !== 'string') return undefined;
  const name = /([^/]+)\.json$/.exec(profile)?.[1];
  return plants.find((p) => p === name);
}

/**
 * A sample event's test run kept as a test case: the event, trigger and canned answers it ran
 * with (a live run's: the exchanges recorded with the plant's systems), and what the run did as the expectation (how it ended, the nodes it ran, the nodes it did
 * not, and where it parked). A string says why it cannot be kept: a case that would fail at once
 * is no test.
 */
export function keptCase(
  sample: JsonCase,
  result: TestRunCase,
  flow: { readonly nodes: ReadonlyArray<{ readonly id: string; readonly type: string }> },
  name: string,
): JsonCase | string {
  const trimmed = name.trim();
  if (trimmed === '') return 'give the test case a name';
  if (!result.ok) return 'the run did not pass as it is (a request no canned answer matched?); fix that first';
  const trace = result.trace;
  if (!trace || (trace.status !== 'succeeded' && trace.status !== 'dead_lettered'))
    return `the run did not end (it is ${trace?.status ?? 'not started'}); only a run that ended can be kept`;
  const ran: string[] = [];
  for (const s of trace.steps)
    if ((s.status === 'done' || s.status === 'parked') && !ran.includes(s.node)) ran.push(s.node);
  const skipped = flow.nodes
    .filter((n) => !n.type.startsWith('trigger.') && !trace.steps.some((s) => s.node === n.id))
    .map((n) => n.id);
  const parked = trace.steps.find((s) => s.status === 'parked');
  const code = (parked?.error as { code?: unknown } | null | undefined)?.code;
  const expect: Record<string, unknown> = { status: trace.status };
  if (ran.length > 0) expect.visits = ran;
  if (skipped.length > 0) expect.skips = skipped;
  if (trace.status === 'dead_lettered' && parked)
    expect.deadLetter = { node: parked.node, ...(typeof code === 'string' ? { code } : {}) };
  const { name: _sample, expect: _none, mocks: given, ...rest } = sample;
  const recorded = result.recorded && Object.entries(result.recorded).filter(([, exchanges]) => exchanges.length > 0);
  const mocks = recorded ? (recorded.length > 0 ? Object.fromEntries(recorded) : undefined) : given;
  return { name: trimmed, ...rest, ...(mocks !== undefined ? { mocks } : {}), expect };
}

/**
 * The draft's tests with one more case: a tests document for this flow (its other fields kept).
 * `plant` is the plant whose profile the run used ('' for none): the case's canned answers carry
 * that profile's paths, so the document must name the same profile (it then does, when it named
 * none). A string says why not: case names are unique, and one document has one profile.
 */
export function withCase(tests: unknown, flowId: string, c: JsonCase, plant: string): Record<string, unknown> | string {
  const cases = casesOf(tests);
  if (cases.some((x) => x.name === c.name)) return `a test case named “${c.name}” exists already`;
  const doc = typeof tests === 'object' && tests !== null && !Array.isArray(tests) ? tests : {};
  const profile = (doc as { profile?: unknown }).profile;
  const named = typeof profile === 'string' ? /([^/]+)\.json$/.exec(profile)?.[1] : undefined;
  if (named !== undefined && named !== plant)
    return `the draft's test cases run with plant ${named}'s profile: run the test with ${named} to keep it`;
  return {
    schemaVersion: 1,
    flow: flowId,
    ...(named === undefined && plant ? { profile: `../profiles/${plant}.json` } : {}),
    ...doc,
    cases: [...cases, c],
  };
}

/** The draft's tests without the named case. */
export function withoutCase(tests: unknown, name: string): Record<string, unknown> {
  const doc = typeof tests === 'object' && tests !== null && !Array.isArray(tests) ? tests : {};
  return { ...doc, cases: casesOf(tests).filter((c) => c.name !== name) };
}
