import {
  AuthError,
  ConfigError,
  DataError,
  RemoteError,
  TransientError,
  TRANSIENT_ERRNO,
  isFlowError,
  type FlowError,
} from '@millrace/node-sdk';

/**
 * Maps what mqtt.js reports (a CONNACK or PUBACK reason code, a socket errno) to a FlowError
 * with a plain sentence. The original goes into details as text, never as `cause` (see
 * connections/http/transport.ts for why).
 */

/** MQTT 3.1.1 CONNACK return codes (§3.2.2.3). */
const V3_CONNACK: Record<number, { kind: 'auth' | 'config' | 'transient'; say: string }> = {
  1: { kind: 'config', say: 'the broker does not support this MQTT protocol version' },
  2: { kind: 'config', say: 'the broker refused the client id' },
  3: { kind: 'transient', say: 'the broker is unavailable' },
  4: { kind: 'auth', say: 'the broker refused the user name or password' },
  // Mosquitto answers a wrong password with 5, not 4: to the user it is the same problem.
  5: { kind: 'auth', say: 'the broker refused the user name or password (not authorized)' },
};

/** MQTT 5 reason codes (§2.4) that CONNACK and PUBACK use, with what they mean for us. */
const V5_REASONS: Record<number, { kind: 'auth' | 'config' | 'transient' | 'data'; say: string }> = {
  0x84: { kind: 'config', say: 'the broker does not support this MQTT protocol version' },
  0x85: { kind: 'config', say: 'the broker refused the client id' },
  0x86: { kind: 'auth', say: 'the broker refused the user name or password' },
  0x87: { kind: 'auth', say: 'the broker does not authorize this client' },
  0x88: { kind: 'transient', say: 'the broker is unavailable' },
  0x89: { kind: 'transient', say: 'the broker is busy' },
  0x8a: { kind: 'auth', say: 'the broker has banned this client' },
  0x8b: { kind: 'transient', say: 'the broker is shutting down' },
  0x8c: { kind: 'auth', say: 'the broker refused the authentication method' },
  0x90: { kind: 'data', say: 'the broker refused the topic name' },
  0x95: { kind: 'data', say: 'the message is larger than the broker accepts' },
  0x96: { kind: 'transient', say: 'the broker says messages arrive too fast' },
  0x97: { kind: 'transient', say: 'the broker says a quota is exceeded' },
  0x99: { kind: 'data', say: 'the broker refused the payload format' },
  0x9a: { kind: 'config', say: 'the broker does not support retained messages' },
  0x9b: { kind: 'config', say: 'the broker does not support this QoS' },
  0x9c: { kind: 'config', say: 'the broker asks to use another server' },
  0x9d: { kind: 'config', say: 'the broker has moved' },
  0x9f: { kind: 'transient', say: 'the broker says connections come too fast' },
};

function reasonOf(thrown: unknown): number | undefined {
  const code = (thrown as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function errnoOf(thrown: unknown): string | undefined {
  const code = (thrown as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function textOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

function build(
  kind: 'auth' | 'config' | 'transient' | 'data' | 'remote',
  code: string,
  message: string,
  details: Record<string, unknown>,
): FlowError {
  switch (kind) {
    case 'auth':
      return new AuthError(code, message, { details });
    case 'config':
      return new ConfigError(code, message, { details });
    case 'transient':
      return new TransientError(code, message, { details });
    case 'data':
      return new DataError(code, message, { details });
    case 'remote':
      return new RemoteError(code, message, { details });
  }
}

/** Why the last connection attempt to `url` failed, as a FlowError. */
export function connectError(thrown: unknown, url: string, protocolVersion: 4 | 5): FlowError {
  if (isFlowError(thrown)) return thrown;
  const details: Record<string, unknown> = { url, error: textOf(thrown) };
  const reason = reasonOf(thrown);
  if (reason !== undefined) {
    details.reasonCode = reason;
    const known =
      protocolVersion === 5
        ? reason === 0x87
          ? { kind: 'auth' as const, say: 'the broker refused the user name or password (not authorized)' }
          : V5_REASONS[reason]
        : V3_CONNACK[reason];
    if (known) {
      const code = known.kind === 'auth' ? 'MQTT_AUTH_REFUSED' : 'MQTT_CONNECT_REFUSED';
      return build(known.kind, code, `${url}: ${known.say}.`, details);
    }
    return new RemoteError('MQTT_CONNECT_REFUSED', `${url} refused the connection (reason ${reason}).`, { details });
  }
  const errno = errnoOf(thrown);
  if (errno !== undefined) details.errno = errno;
  if (errno !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(errno)) {
    return new ConfigError('MQTT_TLS_REFUSED', `${url}: the broker's TLS certificate was refused (${errno}).`, {
      details,
    });
  }
  const why =
    errno === 'ECONNREFUSED'
      ? 'connection refused'
      : errno === 'ENOTFOUND' || errno === 'EAI_AGAIN'
        ? 'the host name does not resolve'
        : errno !== undefined && TRANSIENT_ERRNO.has(errno)
          ? `network error ${errno}`
          : textOf(thrown);
  return new TransientError('MQTT_NOT_CONNECTED', `${url}: ${why}.`, { details });
}

/** Why the broker did not take a published message. */
export function publishError(thrown: unknown, url: string, topic: string): FlowError {
  if (isFlowError(thrown)) return thrown;
  const details: Record<string, unknown> = { url, topic, error: textOf(thrown) };
  const reason = reasonOf(thrown);
  if (reason !== undefined) {
    details.reasonCode = reason;
    const known = V5_REASONS[reason];
    return build(
      known?.kind ?? 'remote',
      'MQTT_PUBLISH_REFUSED',
      `${url} refused the message to ${topic}: ${known?.say ?? `reason ${reason}`}.`,
      details,
    );
  }
  // mqtt.js fails messages still in flight with "Connection closed" when the client ends.
  return new TransientError(
    'MQTT_NOT_CONNECTED',
    `${url}: the message to ${topic} was not acknowledged (${details.error}).`,
    {
      details,
    },
  );
}
