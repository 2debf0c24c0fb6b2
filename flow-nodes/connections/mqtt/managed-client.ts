import { randomBytes } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import {
  AuthError,
  CancelledError,
  ConfigError,
  TransientError,
  type FlowError,
  type Logger,
  type Resolved,
} from '@millrace/node-sdk';
import { backoffDelay } from './backoff.ts';
import { connectError } from './classify.ts';
import type { definition } from './definition.ts';

export type MqttBinding = Resolved<Static<typeof definition.schema>>;

export interface ManagedClientOptions {
  readonly log: Logger;
  /** Appended to the binding's clientId: a session of its own, such as a trigger's subscription. */
  readonly suffix?: string;
  /** MQTT 5: how many unacknowledged QoS 1 messages the broker may send this client at once. */
  readonly receiveMaximum?: number;
}

/** The broker URL as it may appear in messages and logs: no user name or password. */
export function describeBrokerUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

/**
 * One mqtt.js client with the house rules: a persistent session (clean: false) when the binding
 * names a clientId, so the broker keeps subscriptions and unacknowledged QoS 1 messages across
 * reconnects; reconnects with exponential backoff and jitter; the last connection failure kept,
 * so a caller waiting for the connection learns why it is not there (refused credentials are
 * not worth waiting for).
 */
export class ManagedClient {
  readonly client: MqttClient;
  readonly clientId: string;
  /** Whether the broker keeps the session while we are away. */
  readonly persistent: boolean;
  readonly url: string;
  readonly protocolVersion: 4 | 5;
  #lastError: unknown;
  #attempt = 0;
  #ended = false;
  #everConnected = false;

  constructor(binding: MqttBinding, options: ManagedClientOptions) {
    const { log } = options;
    this.url = describeBrokerUrl(binding.url);
    this.protocolVersion = binding.protocolVersion ?? 4;
    this.persistent = binding.clientId !== undefined;
    this.clientId = binding.clientId
      ? options.suffix
        ? `${binding.clientId}-${options.suffix}`
        : binding.clientId
      : `millrace-${randomBytes(6).toString('hex')}`;
    const backoff = { minMs: binding.reconnectMinMs ?? 1000, maxMs: binding.reconnectMaxMs ?? 60000 };
    const properties: NonNullable<IClientOptions['properties']> = {};
    if (this.protocolVersion === 5) {
      // MQTT 5 ends a session when the connection closes unless it is given an expiry.
      if (this.persistent) properties.sessionExpiryInterval = binding.sessionExpirySec ?? 86400;
      if (options.receiveMaximum !== undefined) properties.receiveMaximum = options.receiveMaximum;
    }
    this.client = connect(binding.url, {
      clientId: this.clientId,
      clean: !this.persistent,
      protocolVersion: this.protocolVersion,
      keepalive: binding.keepaliveSec ?? 30,
      connectTimeout: binding.connectTimeoutMs ?? 30000,
      reconnectPeriod: backoff.minMs,
      // A message published while offline would go out whenever the broker is back, long
      // after the step reported the failure and was retried: publish() refuses instead.
      queueQoSZero: false,
      resubscribe: true,
      ...(binding.username === undefined ? {} : { username: binding.username }),
      ...(binding.password === undefined ? {} : { password: binding.password }),
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
    });
    // Every step waiting for the broker listens for connect/close until it is there, and a
    // flow runs up to its concurrency of them at once: not a leak, so no warning at 11.
    this.client.setMaxListeners(1000);
    // mqtt.js reads reconnectPeriod when the connection closes; setting it just before (a
    // prepended listener runs first) turns its fixed period into a backoff.
    this.client.prependListener('close', () => {
      this.client.options.reconnectPeriod = backoffDelay(this.#attempt++, backoff);
    });
    this.client.on('connect', () => {
      if (this.#attempt > 0 && this.#everConnected) log.info('MQTT connection restored', this.#fields());
      this.#attempt = 0;
      this.#lastError = undefined;
      this.#everConnected = true;
    });
    this.client.on('offline', () => {
      if (!this.#ended) log.warn('MQTT connection lost; reconnecting with backoff', this.#fields());
    });
    // Without an "error" listener an EventEmitter throws; failures are kept for waitConnected.
    this.client.on('error', (error) => {
      const first = this.#lastError === undefined;
      this.#lastError = error;
      const fields = { ...this.#fields(), error: connectError(error, this.url, this.protocolVersion).message };
      if (first) log.warn('MQTT connection failed', fields);
      else log.debug('MQTT connection failed again', fields);
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Why there is no connection right now, as the FlowError a caller throws. */
  notConnected(): FlowError {
    if (this.#ended) return new CancelledError('MQTT_CLIENT_CLOSED', `${this.url}: the connection is closed.`);
    if (this.#lastError !== undefined) return connectError(this.#lastError, this.url, this.protocolVersion);
    return new TransientError('MQTT_NOT_CONNECTED', `${this.url}: not connected to the broker yet.`, {
      details: { url: this.url },
    });
  }

  /**
   * Resolves once connected; rejects with notConnected() after `timeoutMs`, at once when the
   * broker refuses our credentials or setup (waiting would not change its mind), or with a
   * CancelledError on abort or end. `firstAttempt`: also reject when the attempt under way
   * fails for any reason ("Test connection" wants one answer, not a retry loop).
   */
  waitConnected(timeoutMs: number, signal?: AbortSignal, firstAttempt = false): Promise<void> {
    if (this.client.connected) return Promise.resolve();
    const now = this.notConnected();
    if (isFinal(now)) return Promise.reject(now);
    return new Promise<void>((resolve, reject) => {
      const client = this.client;
      const finish = (error?: FlowError) => {
        clearTimeout(timer);
        client.removeListener('connect', onConnect);
        client.removeListener('end', onEnd);
        client.removeListener('error', onError);
        client.removeListener('close', onClose);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onConnect = () => finish();
      const onEnd = () => finish(this.notConnected());
      const onError = () => {
        const error = this.notConnected();
        if (firstAttempt || isFinal(error)) finish(error);
      };
      const onClose = () => {
        if (firstAttempt) finish(this.notConnected());
      };
      const onAbort = () =>
        finish(new CancelledError('ABORTED', `${this.url}: cancelled while waiting for the broker.`));
      const timer = setTimeout(() => finish(this.notConnected()), timeoutMs);
      client.on('connect', onConnect);
      client.on('end', onEnd);
      client.on('error', onError);
      client.on('close', onClose);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();
    });
  }

  /**
   * Ends the client. Gracefully, pending writes go out and a DISCONNECT follows; forced, the
   * socket is cut at once, as a crash would (unacknowledged messages stay with the broker).
   */
  end(force = false): Promise<void> {
    this.#ended = true;
    return new Promise<void>((resolve) => {
      this.client.end(force, {}, () => resolve());
    });
  }

  #fields(): Record<string, unknown> {
    return { url: this.url, clientId: this.clientId };
  }
}

/** Failures that waiting for the next reconnect attempt would not change. */
function isFinal(error: FlowError): boolean {
  return error instanceof AuthError || error instanceof ConfigError || error instanceof CancelledError;
}
