import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(ROOT, 'apps/cli/bin/millrace.mjs');

export interface Served {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `millrace serve --headless` as a real child process (node with --no-node-snapshot
 * directly, so a SIGKILL hits the runtime itself, not a wrapper) and resolves once it listens.
 */
export async function startServe(args: {
  flows: string;
  profile: string;
  data: string;
  port: number;
  env?: Record<string, string>;
}): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      '--no-node-snapshot',
      BIN,
      'serve',
      '--headless',
      '--flows',
      args.flows,
      '--profile',
      args.profile,
      '--data',
      args.data,
      '--port',
      String(args.port),
    ],
    { cwd: ROOT, env: { ...process.env, ...args.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 30 s:\n${output.join('')}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('millrace: serving')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (${code ?? signal}):\n${output.join('')}`));
    });
  });
  return { child, output, exited };
}

export interface SinkRequest {
  readonly key: string | undefined;
  readonly body: string;
  readonly at: number;
}

/**
 * A test HTTP sink that honours Idempotency-Key like a payment API: the first request with a
 * key applies its effect, a repeat gets the same answer without applying it again.
 */
export class IdempotentSink {
  readonly requests: SinkRequest[] = [];
  readonly applied = new Map<string, string>();
  behave: (req: IncomingMessage, res: ServerResponse, body: string, n: number) => boolean = () => false;
  private server: Server | undefined;

  /** Applies the effect of a request unless its key was applied before. */
  apply(key: string | undefined, body: string): void {
    if (key !== undefined && !this.applied.has(key)) this.applied.set(key, body);
  }

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        const key = req.headers['idempotency-key'] as string | undefined;
        this.requests.push({ key, body, at: Date.now() });
        if (this.behave(req, res, body, this.requests.length)) return;
        this.apply(key, body);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, key }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    return (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * A folder with one fixture flow and a plant profile whose `sink` connection points at a local
 * sink: what the process tests serve.
 */
export function sinkSetup(
  dir: string,
  flowFixture: string,
  sinkPort: number,
): { flows: string; profile: string; data: string } {
  const flows = join(dir, 'flows');
  mkdirSync(flows, { recursive: true });
  const name = flowFixture.split('/').pop()!;
  copyFileSync(join(ROOT, flowFixture), join(flows, name));
  const profile = join(dir, 'P100.json');
  writeFileSync(
    profile,
    JSON.stringify({
      schemaVersion: 1,
      plant: 'P100',
      name: 'Test plant',
      connections: { sink: { type: 'http', baseUrl: `http://127.0.0.1:${sinkPort}`, auth: { kind: 'none' } } },
    }),
  );
  return { flows, profile, data: join(dir, 'data') };
}
