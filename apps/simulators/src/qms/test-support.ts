import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startQmsSimulator, type QmsSimulator, type QmsSimulatorOptions } from './index.ts';

/** Test helpers for the QMS simulator's own tests: a client with auth, a webhook receiver. */

export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export type Auth = { bearer: string } | { apiKey: string } | { none: true };

export interface Client {
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer<T>>;
  get<T = Record<string, unknown>>(path: string, headers?: Record<string, string>): Promise<Answer<T>>;
  post<T = Record<string, unknown>>(path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>>;
}

export function client(sim: QmsSimulator, auth: Auth = { bearer: 'qms-static-token' }): Client {
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const authHeaders: Record<string, string> =
      'bearer' in auth
        ? { authorization: `Bearer ${auth.bearer}` }
        : 'apiKey' in auth
          ? { 'x-api-key': auth.apiKey }
          : {};
    const res = await fetch(path.startsWith('http') ? path : `${sim.baseUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...authHeaders,
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T };
  };
  return {
    call,
    get: (path, headers) => call('GET', path, undefined, headers),
    post: (path, body, headers) => call('POST', path, body ?? {}, headers),
  };
}

export async function fetchToken(sim: QmsSimulator, form: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${sim.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** A QA user's signature block (seeded user u-qa-0042). */
export const QA_SIGNATURE = { userId: 'u-qa-0042', password: 'sign-0042', meaning: 'QA usage decision' };

export const INSPECTION = {
  lotId: 'LOT-2026-0042-P100-L3',
  origin: 'production_gr',
  materialId: 'FG-1000',
  productionOrderId: '1000123',
  plantId: 'P100',
  quantity: { value: '480.000', uom: 'KGM' },
};

export const IN_SPEC = [
  { characteristicId: 'DRY-TEMP', measuredValue: '60.2', uom: 'CEL' },
  { characteristicId: 'MOISTURE', measuredValue: '1.4', uom: 'P1' },
  { characteristicId: 'ASSAY', measuredValue: '99.7', uom: 'P1' },
];

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly raw: string;
  readonly body: { eventId: string; type: string; occurredAt: string; data: Record<string, unknown> };
}

/** A local webhook receiver; `failFirst` answers 500 to that many requests first. */
export async function startReceiver(failFirst = 0): Promise<{
  url: string;
  received: Received[];
  waitFor(pred: (r: Received[]) => boolean, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  let failures = failFirst;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(500).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    async waitFor(pred, timeoutMs = 3000) {
      const until = Date.now() + timeoutMs;
      while (!pred(received)) {
        if (Date.now() > until)
          throw new Error(`receiver: condition not met; got ${received.map((r) => r.body.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function waitUntil(pred: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export { startQmsSimulator, type QmsSimulator, type QmsSimulatorOptions };
