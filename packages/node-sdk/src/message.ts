/**
 * What flows along an edge: a JSON payload plus string headers. Expressions see it as `msg`
 * (`msg.payload.lotId`). Only JSON crosses node boundaries, so a message survives the journal,
 * the sandbox and a restart unchanged.
 */
export interface Message<P = unknown> {
  readonly payload: P;
  readonly headers: Readonly<Record<string, string>>;
}

export function message<P>(payload: P, headers: Readonly<Record<string, string>> = {}): Message<P> {
  return { payload, headers };
}
