import type { IncomingHttpHeaders } from 'node:http';
import { VirtualClock } from './clock.ts';
import { FaultEngine } from './faults.ts';
import { Rng } from './rng.ts';

export interface LoggedRequest {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly fault?: string;
  /** Set once answered; 0 = connection dropped, -1 = never answered (timeout-after-commit). */
  status?: number;
}

const LOGGED_HEADERS = [
  'idempotency-key',
  'x-csrf-token',
  'if-match',
  'content-type',
  'sap-client',
  'x-sim-fault',
  'authorization',
];

/** Every request a simulator got, for assertions ("the ERP saw 3 attempts with the same key"). */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  record(r: {
    at: string;
    method: string;
    path: string;
    query: string;
    headers: IncomingHttpHeaders;
    bodyText: string;
    fault: string | undefined;
  }): LoggedRequest {
    const headers: Record<string, string> = {};
    for (const h of LOGGED_HEADERS) {
      const v = r.headers[h];
      // Credentials are logged by kind only: a simulator log must not leak them either.
      if (typeof v === 'string') headers[h] = h === 'authorization' ? v.split(' ')[0]! : v;
    }
    const entry: LoggedRequest = {
      at: r.at,
      method: r.method,
      path: r.path,
      query: r.query,
      headers,
      body: r.bodyText.slice(0, 4096),
      ...(r.fault ? { fault: r.fault } : {}),
    };
    this.entries.push(entry);
    if (this.entries.length > 50_000) this.entries.splice(0, 10_000);
    return entry;
  }
}

export interface OutboxEntry {
  readonly at: string;
  /** 'webhook' | 'mqtt' */
  readonly channel: string;
  /** URL or topic. */
  readonly target: string;
  readonly event: unknown;
  readonly fault?: string;
  delivered?: boolean;
}

/** Every event a simulator emitted (and to where), for assertions and the /__sim/outbox view. */
export class Outbox {
  readonly entries: OutboxEntry[] = [];

  add(entry: OutboxEntry): OutboxEntry {
    this.entries.push(entry);
    if (this.entries.length > 50_000) this.entries.splice(0, 10_000);
    return entry;
  }
}

/** What every simulator has: a clock, seeded randomness, faults, a request log and an outbox. */
export class SimContext {
  readonly clock = new VirtualClock();
  rng: Rng;
  faults: FaultEngine;
  readonly log = new RequestLog();
  readonly outbox = new Outbox();

  constructor(
    readonly name: string,
    private seedValue: number,
  ) {
    this.rng = new Rng(seedValue);
    this.faults = new FaultEngine(this.rng, () => this.clock.iso());
  }

  get seed(): number {
    return this.seedValue;
  }

  /** Back to the start: same seed, no faults, empty logs (the store is reset by the simulator). */
  reset(seed = this.seedValue): void {
    this.seedValue = seed;
    this.rng = new Rng(seed);
    this.faults = new FaultEngine(this.rng, () => this.clock.iso());
    this.log.entries.length = 0;
    this.outbox.entries.length = 0;
  }
}
