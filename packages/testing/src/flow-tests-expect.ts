import type { DeadLetter, FlowPlan, RunTrace } from '@millrace/engine';
import type { FlowTestExpect } from '@millrace/flow-model';
import type { BrokerMessage } from './mqtt-broker.ts';
import { requestMatches, type RequestMatcher, type SeenRequest } from './recorded-http.ts';

/** What a finished test run left behind, for `evaluate`. */
export interface CaseEvidence {
  readonly trace: RunTrace;
  readonly plan: FlowPlan;
  readonly deadLetters: readonly DeadLetter[];
  /** Per slot, the requests the flow made (the runner's own CSRF/token exchanges left out). */
  readonly requests: ReadonlyMap<string, readonly SeenRequest[]>;
  /** Per slot, requests no canned answer matched (answered 501). */
  readonly unexpected: ReadonlyMap<string, readonly SeenRequest[]>;
  readonly published: readonly BrokerMessage[];
}

/**
 * Checks a case's `expect` against what the run did. Pure: returns one sentence per thing that
 * did not hold, empty when the case passes.
 */
export function evaluate(expect: FlowTestExpect, ev: CaseEvidence): string[] {
  const out: string[] = [];
  const { trace } = ev;
  const ran = new Set(trace.steps.filter((s) => s.status === 'done' || s.status === 'parked').map((s) => s.node));
  const path = trace.steps.map((s) => `${s.node}(${s.status})`).join(' → ');

  if (expect.status && trace.status !== expect.status)
    out.push(`the run ended ${trace.status}, expected ${expect.status}; steps: ${path}${firstError(trace)}`);
  for (const node of expect.visits ?? [])
    if (!ran.has(node)) out.push(`node "${node}" did not run; steps: ${path}${firstError(trace)}`);
  for (const node of expect.skips ?? [])
    if (trace.steps.some((s) => s.node === node)) out.push(`node "${node}" ran, expected it not to; steps: ${path}`);

  if (expect.deadLetter) {
    const want = expect.deadLetter;
    const at = ev.deadLetters.filter((d) => d.nodeId === want.node);
    const found = at.find(
      (d) =>
        (want.code === undefined || d.code === want.code) &&
        (want.reasonIncludes === undefined || d.reason.includes(want.reasonIncludes)),
    );
    if (!found) {
      const seen = ev.deadLetters.map((d) => `${d.nodeId} ${d.code}: ${d.reason}`).join('; ') || 'none';
      out.push(
        `no dead letter at "${want.node}"${want.code ? ` with code ${want.code}` : ''}${want.reasonIncludes ? ` and a reason with "${want.reasonIncludes}"` : ''}; dead letters: ${seen}`,
      );
    }
  }

  for (const [slot, unexpected] of ev.unexpected)
    for (const r of unexpected)
      out.push(`${slot}: ${r.method} ${r.url} matched no canned answer (answered 501)${excerpt(r.body)}`);

  for (const [slot, wanted] of Object.entries(expect.requests ?? {})) {
    const made = ev.requests.get(slot) ?? [];
    for (const w of wanted) {
      const { times, ...m } = w;
      const n = made.filter((r) => requestMatches(matcherOf(m), r)).length;
      if (times === undefined ? n === 0 : n !== times)
        out.push(
          `${slot}: ${m.method.toUpperCase()} ${m.path} was made ${n} time(s), expected ${times ?? 'at least 1'}; made: ${list(made)}`,
        );
    }
    if (expect.noOtherRequests) {
      for (const r of made)
        if (!wanted.some(({ times: _t, ...m }) => requestMatches(matcherOf(m), r)))
          out.push(`${slot}: ${r.method} ${r.url} was not expected${excerpt(r.body)}`);
    }
  }
  if (expect.noOtherRequests)
    for (const [slot, made] of ev.requests)
      if (!(slot in (expect.requests ?? {})) && made.length > 0)
        out.push(`${slot}: ${made.length} request(s) made, none expected: ${list(made)}`);

  for (const p of expect.published ?? []) {
    const hit = ev.published.find(
      (m) =>
        m.topic === p.topic &&
        (p.retain === undefined || m.retain === p.retain) &&
        (p.json === undefined || containsJson(m.payload, p.json)),
    );
    if (!hit)
      out.push(
        `nothing like ${JSON.stringify(p)} was published; published: ${ev.published.map((m) => m.topic).join(', ') || 'nothing'}`,
      );
  }

  for (const [node, want] of Object.entries(expect.outputs ?? {})) {
    const sent = messagesOutOf(node, want.port, ev);
    if (sent.length === 0) out.push(`node "${node}" sent nothing${want.port ? ` out of port "${want.port}"` : ''}`);
    else if (want.payload !== undefined && !sent.some((p) => contains(p, want.payload)))
      out.push(
        `node "${node}" sent no payload containing ${JSON.stringify(want.payload)}${want.port ? ` out of "${want.port}"` : ''}; sent: ${sent.map((p) => excerpt(JSON.stringify(p)).trim()).join(' | ')}`,
      );
  }
  return out;
}

/**
 * The payloads a node sent: those nothing consumed are in its step's output; those that went on
 * are the inputs of the steps of the nodes its port feeds.
 */
function messagesOutOf(node: string, port: string | undefined, ev: CaseEvidence): unknown[] {
  const payloads: unknown[] = [];
  const planNode = ev.plan.nodes.get(node);
  for (const step of ev.trace.steps.filter((s) => s.node === node)) {
    const output = (step.output ?? {}) as Record<string, unknown>;
    for (const [p, sent] of Object.entries(output)) {
      if (port !== undefined && p !== port) continue;
      if (Array.isArray(sent)) payloads.push(...(sent as unknown[]));
      else {
        const targets = new Set((planNode?.successors.get(p) ?? []).map((s) => s.nodeId));
        for (const next of ev.trace.steps) if (targets.has(next.node)) payloads.push(next.input);
      }
    }
  }
  return payloads;
}

/** Every field of `want` is in `got` with that value: objects recursively, arrays element by element. */
export function contains(got: unknown, want: unknown): boolean {
  if (want === null || typeof want !== 'object') return Object.is(got, want);
  if (Array.isArray(want))
    return Array.isArray(got) && got.length === want.length && want.every((w, i) => contains(got[i], w));
  if (got === null || typeof got !== 'object' || Array.isArray(got)) return false;
  return Object.entries(want).every(([k, v]) => k in got && contains((got as Record<string, unknown>)[k], v));
}

function containsJson(text: string, want: unknown): boolean {
  try {
    return contains(JSON.parse(text), want);
  } catch {
    return false;
  }
}

function firstError(trace: RunTrace): string {
  const failed = trace.steps.find((s) => s.error !== null && s.error !== undefined);
  if (!failed) return '';
  const e = failed.error as { code?: string; message?: string };
  return `; ${failed.node} failed: ${e.code ?? ''} ${e.message ?? JSON.stringify(e)}`.trimEnd();
}

const excerpt = (body: string) => (body ? ` ${body.length > 160 ? `${body.slice(0, 160)}…` : body}` : '');
const list = (made: readonly SeenRequest[]) => made.map((r) => `${r.method} ${r.url}`).join(', ') || 'none';

/** A test file's matcher (paths and header values as "re:…" strings) as recordedHttp's. */
export function matcherOf(m: {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  json?: unknown;
  bodyIncludes?: string;
}): RequestMatcher {
  const re = (s: string) => (s.startsWith('re:') ? new RegExp(s.slice(3)) : s);
  return {
    method: m.method,
    path: re(m.path),
    ...(m.query ? { query: m.query } : {}),
    ...(m.headers
      ? { headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k.toLowerCase(), re(v)])) }
      : {}),
    ...(m.json !== undefined ? { json: m.json } : {}),
    ...(m.bodyIncludes !== undefined ? { bodyIncludes: m.bodyIncludes } : {}),
  };
}
