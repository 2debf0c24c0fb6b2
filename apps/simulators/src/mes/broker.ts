import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type AedesPublishPacket } from 'aedes';

/**
 * The MES's own MQTT broker: aedes (MQTT 3.1.1) on TCP, in this process. With `users` it checks
 * username/password (and the client id prefix when one is given) and restricts publish and
 * subscribe to topic prefixes, as a plant broker with ACLs would. A refused publish makes aedes
 * close that client's connection (MQTT 3.1.1 has no negative PUBACK; Mosquitto would drop it
 * silently instead); a refused subscription gets the failure code 0x80.
 */
export interface BrokerUser {
  readonly username: string;
  readonly password: string;
  /** When set, the client id must start with it. */
  readonly clientIdPrefix?: string;
  /** Topic prefixes this user may publish to ('' or '#' = everything). */
  readonly publish?: readonly string[];
  /** Topic prefixes this user may subscribe to ('' or '#' = everything). */
  readonly subscribe?: readonly string[];
}

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  readonly aedes: Aedes;
  /** Credentials with full access, for the simulator's own clients when auth is on. */
  readonly internal?: { readonly username: string; readonly password: string };
  close(): Promise<void>;
}

export async function startEmbeddedBroker(
  options: { port?: number; host?: string; users?: readonly BrokerUser[] } = {},
): Promise<EmbeddedBroker> {
  const users = options.users;
  const internal = users ? { username: 'mes-sim-internal', password: randomBytes(12).toString('hex') } : undefined;
  const all: BrokerUser[] = users && internal ? [...users, { ...internal, publish: ['#'], subscribe: ['#'] }] : [];
  const byClient = new Map<string, BrokerUser>();

  const aedes = await Aedes.createBroker(
    users
      ? {
          authenticate(client, username, password, done) {
            const user = all.find((u) => u.username === username && u.password === password?.toString('utf8'));
            if (!user || (user.clientIdPrefix && !client.id.startsWith(user.clientIdPrefix))) {
              const error = new Error('bad username or password') as AuthenticateError;
              error.returnCode = 4;
              return done(error, false);
            }
            byClient.set(client.id, user);
            done(null, true);
          },
          authorizePublish(client, packet, callback) {
            // client null: the broker's own publish (a Will is published for its client).
            const user = client ? byClient.get(client.id) : undefined;
            if (client && !allowed(user?.publish, packet.topic))
              return callback(new Error(`${client.id} may not publish to ${packet.topic}`));
            callback(null);
          },
          authorizeSubscribe(client, subscription, callback) {
            const user = byClient.get(client.id);
            if (!allowed(user?.subscribe, subscription.topic)) return callback(null, null);
            callback(null, subscription);
          },
        }
      : {},
  );
  aedes.on('clientDisconnect', (client) => byClient.delete(client.id));

  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    aedes,
    ...(internal ? { internal } : {}),
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A topic (or filter) is allowed when it starts with one of the prefixes. */
function allowed(prefixes: readonly string[] | undefined, topic: string): boolean {
  if (!prefixes) return false;
  return prefixes.some((p) => p === '' || p === '#' || topic.startsWith(p));
}

export type { AedesPublishPacket };
