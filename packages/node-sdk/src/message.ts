/**
 * What flows along an edge: a JSON payload plus string headers. Expressions see it as `msg`
 * (`msg.payload.lotId`). Only JSON crosses node boundaries, so a message survives the journal,
 * the sandbox and a restart unchanged.
 *
 * Payloads travel as JSON text end to end (journal, sandbox, HTTP bodies) and are parsed only
 * when a node reads `payload`: parsing and re-stringifying per step was the largest avoidable
 * cost measured in the durable-pipeline prototype.
 */
export type Headers = Readonly<Record<string, string>>;

export interface Message<P = unknown> {
  readonly payload: P;
  readonly headers: Headers;
}

/** The message a node receives: `payload` is parsed on first read; `payloadText` is free. */
export interface InputMessage<P = unknown> extends Message<P> {
  readonly payloadText: string;
}

/** A message a node sends: a value, or JSON text it already has (e.g. from the sandbox). */
export type OutMessage =
  | { readonly payload: unknown; readonly headers?: Headers }
  | { readonly payloadText: string; readonly headers?: Headers };

export function message<P>(payload: P, headers: Headers = {}): Message<P> {
  return { payload, headers };
}

/** The JSON text of an outgoing message's payload, without parsing text that is already JSON. */
export function payloadTextOf(m: OutMessage): string {
  if ('payloadText' in m) return m.payloadText;
  const text = JSON.stringify(m.payload);
  return text === undefined ? 'null' : text;
}

/**
 * Builds an input message over JSON text; the payload is parsed once, when first read. A class,
 * not an object literal with a getter: one is built for every step, and a literal's accessor
 * (a new closure each time) gives every message an object shape of its own.
 */
export function inputMessage<P = unknown>(
  payloadText: string,
  headers: Headers = {},
  parsedPayload?: { value: P },
): InputMessage<P> {
  return new TextMessage<P>(payloadText, headers, parsedPayload);
}

class TextMessage<P> implements InputMessage<P> {
  #parsed: { value: P } | undefined;

  constructor(
    readonly payloadText: string,
    readonly headers: Headers,
    parsed: { value: P } | undefined,
  ) {
    this.#parsed = parsed;
  }

  get payload(): P {
    this.#parsed ??= { value: JSON.parse(this.payloadText) as P };
    return this.#parsed.value;
  }
}
