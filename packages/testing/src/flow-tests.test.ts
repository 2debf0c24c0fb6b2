import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ConnectionBinding, Flow, FlowTestCase, FlowTests, PlantProfile } from '@millrace/flow-model';
import { contains } from './flow-tests-expect.ts';
import { runFlowTests } from './flow-tests.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const flow = JSON.parse(readFileSync(join(fixtures, 'inspection.flow.json'), 'utf8')) as Flow;
const profile: PlantProfile = {
  schemaVersion: 1,
  plant: 'P100',
  name: 'Test plant',
  params: { plantCode: 'P100' },
  connections: {
    qms: {
      type: 'http',
      baseUrl: 'https://qms.example.com/api',
      auth: {
        kind: 'oauth2-client-credentials',
        tokenUrl: 'https://qms.example.com/oauth/token',
        clientId: 'mr',
        clientSecret: { secret: 'QMS_SECRET' },
      },
    } as ConnectionBinding,
  },
};
const suite = (...cases: FlowTestCase[]): FlowTests => ({ schemaVersion: 1, flow: flow.id, cases });
const created = {
  request: { method: 'POST', path: '/api/inspections' },
  response: { status: 201, json: { id: 'INSP-1' } },
};

describe('flow tests', () => {
  it('passes a case whose effects all happened, answering the OAuth2 token request by itself', async () => {
    const result = await runFlowTests(
      flow,
      suite({
        name: 'creates the inspection',
        event: { eventId: 'E-1', lotId: 'L-1' },
        mocks: { qms: [created] },
        expect: {
          status: 'succeeded',
          visits: ['body', 'create', 'result'],
          requests: {
            qms: [{ method: 'POST', path: '/api/inspections', json: { lot: 'L-1', plant: 'P100' }, times: 1 }],
          },
          noOtherRequests: true,
          outputs: { result: { port: 'out', payload: { inspectionId: 'INSP-1' } } },
        },
      }),
      { profile },
    );
    expect(result.cases[0]!.failures).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('fails a case and says what did not hold: status, a missing request, an output, a node that should not run', async () => {
    const result = await runFlowTests(
      flow,
      suite({
        name: 'expects the wrong things',
        event: { eventId: 'E-2', lotId: 'L-2' },
        mocks: { qms: [created] },
        expect: {
          status: 'dead_lettered',
          skips: ['create'],
          requests: { qms: [{ method: 'DELETE', path: '/api/inspections/INSP-1' }] },
          outputs: { result: { payload: { inspectionId: 'INSP-9' } } },
        },
      }),
      { profile },
    );
    const [c] = result.cases;
    expect(result.ok).toBe(false);
    expect(c!.failures).toHaveLength(4);
    expect(c!.failures.join('\n')).toMatch(/ended succeeded, expected dead_lettered/);
    expect(c!.failures.join('\n')).toMatch(/node "create" ran, expected it not to/);
    expect(c!.failures.join('\n')).toMatch(/qms: DELETE \/api\/inspections\/INSP-1 was made 0 time\(s\)/);
    expect(c!.failures.join('\n')).toMatch(/node "result" sent no payload containing \{"inspectionId":"INSP-9"\}/);
  });

  it('answers a request no mock matches with 501 and names it, so the run fails instead of reaching a real system', async () => {
    const result = await runFlowTests(
      flow,
      suite({ name: 'has no mock', event: { eventId: 'E-3', lotId: 'L-3' }, expect: { status: 'succeeded' } }),
      { profile },
    );
    const failures = result.cases[0]!.failures.join('\n');
    expect(failures).toMatch(/qms: POST \/api\/inspections matched no canned answer \(answered 501\)/);
    expect(result.cases[0]!.status).toBe('dead_lettered');
  });

  it('answers a mock with times: 1 once, then the next one: a 503 and the retry', async () => {
    const result = await runFlowTests(
      flow,
      suite({
        name: 'retries after a 503',
        event: { eventId: 'E-4', lotId: 'L-4' },
        mocks: { qms: [{ ...created, response: { status: 503, text: 'busy' }, times: 1 }, created] },
        expect: { status: 'succeeded', requests: { qms: [{ method: 'POST', path: '/api/inspections', times: 2 }] } },
      }),
      { profile },
    );
    expect(result.cases[0]!.failures).toEqual([]);
  });

  it("records a live run's exchanges with the system, and they answer the same case as canned answers", async () => {
    const seen: string[] = [];
    const qms = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      req.resume();
      req.on('end', () => {
        if (req.url === '/oauth/token') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ access_token: 'live-token', token_type: 'Bearer', expires_in: 3600 }));
        } else {
          res.writeHead(201, { 'content-type': 'application/json', etag: 'W/"1"' });
          res.end(JSON.stringify({ id: 'INSP-7' }));
        }
      });
    });
    await new Promise<void>((resolve) => qms.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(qms.address() as AddressInfo).port}`;
    try {
      const live: PlantProfile = {
        ...profile,
        connections: {
          qms: {
            type: 'http',
            baseUrl: `${origin}/api`,
            auth: {
              kind: 'oauth2-client-credentials',
              tokenUrl: `${origin}/oauth/token`,
              clientId: 'mr',
              clientSecret: { secret: 'QMS_SECRET' },
            },
          } as ConnectionBinding,
        },
      };
      const expectation = {
        status: 'succeeded' as const,
        outputs: { result: { port: 'out', payload: { inspectionId: 'INSP-7' } } },
      };
      const first = await runFlowTests(
        flow,
        suite({ name: 'live', event: { eventId: 'E-7', lotId: 'L-7' }, expect: expectation }),
        { profile: live, live: { secret: (name) => (name === 'QMS_SECRET' ? 's3cret' : undefined) } },
      );
      expect(first.cases[0]!.failures).toEqual([]);
      // The system saw the real request, with the real token; the token request itself is not recorded.
      expect(seen).toEqual(['POST /oauth/token ', 'POST /api/inspections Bearer live-token']);
      const recorded = first.cases[0]!.recorded!;
      expect(recorded).toEqual({
        qms: [
          {
            request: { method: 'POST', path: '/api/inspections' },
            response: { status: 201, headers: { etag: 'W/"1"' }, json: { id: 'INSP-7' } },
            times: 1,
          },
        ],
      });

      const replayed = await runFlowTests(
        flow,
        suite({
          name: 'kept',
          event: { eventId: 'E-7', lotId: 'L-7' },
          mocks: recorded as FlowTestCase['mocks'],
          expect: { ...expectation, requests: { qms: [{ method: 'POST', path: '/api/inspections', times: 1 }] } },
        }),
        { profile },
      );
      expect(replayed.cases[0]!.failures).toEqual([]);
      expect(replayed.cases[0]!.recorded).toBeUndefined();
      expect(seen).toHaveLength(2);
    } finally {
      await new Promise<void>((resolve) => qms.close(() => resolve()));
    }
  });

  it('runs only the cases whose name contains the filter', async () => {
    const cases = ['first', 'second'].map((name) => ({
      name,
      event: { eventId: name, lotId: name },
      mocks: { qms: [created] },
      expect: { status: 'succeeded' as const },
    }));
    const result = await runFlowTests(flow, suite(...cases), { profile, only: 'sec' });
    expect(result.cases.map((c) => c.name)).toEqual(['second']);
  });
});

describe('contains, deeply', () => {
  it('accepts extra fields and compares arrays element by element', () => {
    expect(contains({ a: 1, b: { c: [1, { d: 2, e: 3 }] } }, { b: { c: [1, { d: 2 }] } })).toBe(true);
    expect(contains({ a: [1, 2] }, { a: [1] })).toBe(false);
    expect(contains({ a: '1' }, { a: 1 })).toBe(false);
    expect(contains(null, {})).toBe(false);
  });
});
