import { randomBytes } from 'node:crypto';
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';
import { connectAsync } from 'mqtt';

/**
 * Brokers for the MQTT tests: the real Mosquitto at 127.0.0.1:1883 when it answers (it runs on
 * developer machines and CI), otherwise an in-process aedes broker on a random port. Either way
 * the tests pass; set MILLRACE_TEST_MQTT=aedes to force the in-process one. aedes speaks MQTT
 * 3.1.1 only, so MQTT 5 tests run against Mosquitto alone.
 */
export interface TestBroker {
  readonly kind: 'mosquitto' | 'aedes';
  /** mqtt://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MOSQUITTO = { host: '127.0.0.1', port: 1883 };
let shared: Promise<TestBroker> | undefined;

/** The broker of this test file, found once; prints which one it is. */
export function testBroker(): Promise<TestBroker> {
  shared ??= (async () => {
    const forced = process.env.MILLRACE_TEST_MQTT === 'aedes';
    const broker = forced ? undefined : await mosquitto();
    const chosen = broker ?? (await startAedes());
    const why = forced ? 'MILLRACE_TEST_MQTT=aedes' : 'no Mosquitto answers at 127.0.0.1:1883';
    console.info(
      chosen.kind === 'mosquitto'
        ? `[mqtt tests] broker: Mosquitto at ${chosen.url}`
        : `[mqtt tests] broker: in-process aedes at ${chosen.url} (${why})`,
    );
    return chosen;
  })();
  return shared;
}

async function mosquitto(): Promise<TestBroker | undefined> {
  const url = `mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`;
  try {
    const probe = await connectAsync(url, { connectTimeout: 1000, reconnectPeriod: 0, clientId: name('probe') });
    await probe.endAsync(true);
  } catch {
    return undefined;
  }
  return { kind: 'mosquitto', url, port: MOSQUITTO.port, close: () => Promise.resolve() };
}

/** An aedes broker of its own on a random port (also for tests that need to refuse logins). */
export async function startAedes(options: AedesOptions = {}): Promise<TestBroker> {
  const aedes = await Aedes.createBroker(options);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  const port = await listen(server);
  return {
    kind: 'aedes',
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

/** A TCP relay in front of a broker, so a test can cut every connection as a broker drop would. */
export interface Relay {
  readonly url: string;
  /** How many client connections the relay has accepted so far. */
  readonly accepted: number;
  /** Destroys every relayed connection, both sides, at once. */
  drop(): void;
  close(): Promise<void>;
}

export async function startRelay(targetPort: number): Promise<Relay> {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await listen(server);
  const drop = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    drop,
    async close() {
      drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A name no other test run uses: topics and client ids on a shared Mosquitto must not collide. */
export function name(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** Ends a persistent session on the broker (connect clean, disconnect), so none are left behind. */
export async function clearSession(url: string, clientId: string): Promise<void> {
  const client = await connectAsync(url, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 2000 });
  await client.endAsync();
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}
