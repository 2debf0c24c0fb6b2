import type { Static } from '@sinclair/typebox';
import {
  ConfigError,
  DataError,
  RemoteError,
  defineNode,
  emitText,
  type Headers,
  type NodeResult,
} from '@millrace/node-sdk';
import { excerpt, statusError } from '../connections/http/classify.ts';
import { describeValue, evaluateAll, partText } from '../shared/expressions.ts';
import type { HttpClient, HttpQuery, HttpResponse } from '../connections/http/client.ts';
import { definition } from './definition.ts';

type Config = Static<typeof definition.config>;

/** `{{ expr }}` in a path; the expression may not contain "}}". */
const TEMPLATE = /\{\{([\s\S]+?)\}\}/g;

/** Response headers copied into the outgoing message, besides `http-status`. */
const KEPT_HEADERS = ['content-type', 'etag', 'location'] as const;

export const node = defineNode<typeof definition.config, typeof definition.input, HttpClient>({
  ...definition,
  async run(ctx): Promise<NodeResult> {
    const client = ctx.connection;
    if (!client || typeof client.request !== 'function') {
      throw new ConfigError('HTTP_NO_CONNECTION', 'http.request needs an "http" connection, and none is bound.');
    }
    const config = ctx.config;
    const method = config.method ?? 'POST';
    const plan = planOf(config, method);
    const values = plan.expressions.length === 0 ? NO_VALUES : await evaluateAll(ctx.code, plan.expressions);
    const kept = config.output === 'merge' ? payloadToMerge(ctx.message.payloadText) : undefined;

    // One literal with possibly undefined fields: spreads of optional parts cost per step.
    const answer = await client.request({
      method,
      path: fillPath(plan.path, values),
      query: plan.query.length === 0 ? undefined : fillQuery(plan.query, values),
      headers: requestHeaders(plan, ctx.idempotencyKey),
      bodyText: bodyOf(plan.body, values, ctx.message.payloadText),
      timeoutMs: config.timeoutMs,
      signal: ctx.signal,
    });
    // Most answers succeed: only a failed one needs the clock (for Retry-After).
    const error = answer.status < 300 ? undefined : statusError(answer, method, ctx.now());
    if (error) throw error;
    const responseText = responsePayloadText(answer, config.responseType ?? 'json');
    const payloadText =
      kept === undefined
        ? responseText
        : kept === '{}'
          ? `{"response":${responseText}}`
          : `${kept.slice(0, -1)},"response":${responseText}}`;
    return emitText('out', payloadText, messageHeaders(answer));
  },
});

type PathPart = { readonly literal: string } | { readonly expression: string; readonly index: number };
type BodyPlan =
  { readonly kind: 'none' } | { readonly kind: 'payload' } | { readonly kind: 'expression'; index: number };

interface RequestPlan {
  /** Every expression, in one list, so the sandbox is entered once per step. */
  readonly expressions: string[];
  readonly path: PathPart[];
  readonly query: Array<{ readonly name: string; readonly index: number }>;
  readonly body: BodyPlan;
  /** The configured headers, lower-cased, without the per-step idempotency key. */
  readonly headers: Readonly<Record<string, string>>;
  /** The header carrying the step's idempotency key (lower case), or '' for none. */
  readonly keyHeader: string;
}

const NO_VALUES: readonly unknown[] = [];

/** Plans depend on the config only, which is fixed per deployed node: planned once, not per step. */
const plans = new WeakMap<object, RequestPlan>();

function planOf(config: Config, method: string): RequestPlan {
  let plan = plans.get(config);
  if (!plan) plans.set(config, (plan = planRequest(config, method)));
  return plan;
}

function planRequest(config: Config, method: string): RequestPlan {
  const expressions: string[] = [];
  const path: PathPart[] = [];
  let last = 0;
  for (const match of config.path.matchAll(TEMPLATE)) {
    if (match.index > last) path.push({ literal: config.path.slice(last, match.index) });
    const expression = match[1]!.trim();
    path.push({ expression, index: expressions.push(expression) - 1 });
    last = match.index + match[0].length;
  }
  if (last < config.path.length) path.push({ literal: config.path.slice(last) });

  const query = Object.entries(config.query ?? {}).map(([name, expression]) => ({
    name,
    index: expressions.push(expression) - 1,
  }));

  const body = config.body ?? 'payload';
  let bodyPlan: BodyPlan;
  // A GET carries no body whatever `body` says: many servers and proxies refuse one.
  if (method === 'GET' || body === 'none') bodyPlan = { kind: 'none' };
  else if (body === 'payload') bodyPlan = { kind: 'payload' };
  else bodyPlan = { kind: 'expression', index: expressions.push(body) - 1 };
  const headers: Record<string, string> = {};
  if ((config.responseType ?? 'json') === 'json') headers.accept = 'application/json, */*;q=0.5';
  for (const [name, value] of Object.entries(config.headers ?? {})) headers[name.toLowerCase()] = value;
  const keyHeader = (config.idempotencyHeader ?? 'Idempotency-Key').toLowerCase();
  return { expressions, path, query, body: bodyPlan, headers, keyHeader };
}

function fillPath(parts: readonly PathPart[], values: readonly unknown[]): string {
  let out = '';
  for (const part of parts) {
    if ('literal' in part) {
      out += part.literal;
      continue;
    }
    const value = values[part.index];
    const text = partText(value);
    // "." and ".." would be resolved as path steps, even encoded, and climb out of the base path.
    if (text === undefined || text === '' || text === '.' || text === '..') {
      throw new DataError(
        'HTTP_PATH_VALUE',
        `The path part {{${part.expression}}} is ${describeValue(value)}; it needs a non-empty string or a number.`,
        {
          details: { expression: part.expression },
        },
      );
    }
    out += encodeURIComponent(text);
  }
  return out;
}

/**
 * Query values: null and undefined leave the parameter out, an array repeats it, an object is
 * sent as its JSON text; everything else as its string form.
 */
function fillQuery(query: RequestPlan['query'], values: readonly unknown[]): HttpQuery {
  const out: Record<string, string[]> = {};
  for (const { name, index } of query) {
    const value = values[index];
    const items = Array.isArray(value) ? (value as unknown[]) : [value];
    const texts = items
      .filter((v) => v !== null && v !== undefined)
      .map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
    if (texts.length > 0) (out[name] ??= []).push(...texts);
  }
  return out;
}

function bodyOf(plan: BodyPlan, values: readonly unknown[], payloadText: string): string | undefined {
  switch (plan.kind) {
    case 'none':
      return undefined;
    case 'payload':
      // The engine guarantees payloadText is JSON; it is sent byte for byte, never re-serialized.
      return payloadText;
    case 'expression':
      return JSON.stringify(values[plan.index] ?? null);
  }
}

function requestHeaders(plan: RequestPlan, idempotencyKey: string): Record<string, string> {
  // Key by key, not `{ ...plan.headers, [key]: … }`: on Node 20 that spread with an added key
  // costs ≈ 1 µs per step (new hidden classes each time).
  const headers: Record<string, string> = {};
  for (const name in plan.headers) headers[name] = plan.headers[name]!;
  // The key is the same on every attempt and replay of this step, so a target that honours it
  // performs the effect once however often we retry.
  if (plan.keyHeader !== '') headers[plan.keyHeader] = idempotencyKey;
  return headers;
}

/**
 * The answer as the JSON text of the outgoing payload. A JSON body passes through as the very
 * text the remote sent (checked once, since everything downstream trusts payloadText to be
 * JSON); any other body, or every body with responseType "text", becomes a JSON string; an
 * empty body is null.
 */
function responsePayloadText(answer: HttpResponse, responseType: 'json' | 'text'): string {
  if (answer.bodyText === '') return 'null';
  if (responseType === 'text' || !isJsonType(answer.headers['content-type'])) return JSON.stringify(answer.bodyText);
  try {
    JSON.parse(answer.bodyText);
  } catch {
    throw new RemoteError(
      'HTTP_INVALID_JSON',
      `${answer.url} answered ${answer.status} with a body that is not valid JSON.`,
      {
        status: answer.status,
        details: { status: answer.status, url: answer.url, bodyExcerpt: excerpt(answer.bodyText) },
      },
    );
  }
  return answer.bodyText;
}

/**
 * The payload that output "merge" keeps, as JSON text without a "response" key (a payload that is
 * not an object is kept as { input }). The response is then spliced in as the text it came as:
 * the flow keeps what it knew (the lot, the inspection) across a call whose answer it also needs.
 */
function payloadToMerge(payloadText: string): string {
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    payload = payloadText;
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return JSON.stringify({ input: payload });
  delete (payload as Record<string, unknown>).response;
  return JSON.stringify(payload);
}

function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || type.endsWith('+json');
}

function messageHeaders(answer: HttpResponse): Headers {
  const headers: Record<string, string> = { 'http-status': String(answer.status) };
  for (const name of KEPT_HEADERS) {
    const value = answer.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}
