import { AuthError, RemoteError } from '@millrace/node-sdk';
import type { Logger } from '@millrace/node-sdk';
import { excerpt, statusError } from './classify.ts';
import type { Transport } from './transport.ts';
import { describeUrl } from './url.ts';

export interface ClientCredentials {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope?: string;
  readonly audience?: string;
}

/** Used when the token endpoint does not say how long a token lives. */
const DEFAULT_LIFETIME_S = 300;

/**
 * OAuth 2.0 client-credentials tokens for one connection: fetched on first need, reused until
 * shortly before they expire, and fetched once however many requests need one at the same
 * moment (a burst of 20 requests must not hit the token endpoint 20 times).
 */
export class TokenCache {
  #current: { readonly token: string; readonly refreshAt: number } | undefined;
  #pending: Promise<string> | undefined;

  constructor(
    private readonly credentials: ClientCredentials,
    private readonly transport: Transport,
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly log?: Logger,
  ) {}

  /** A token valid now. The caller's signal stops only its own wait, not a shared fetch. */
  async get(signal?: AbortSignal): Promise<string> {
    if (this.#current && this.now() < this.#current.refreshAt) return this.#current.token;
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return signal ? raceAbort(this.#pending, signal) : this.#pending;
  }

  /**
   * Forgets `token` after the API refused it. A token that was already replaced stays replaced,
   * so many requests refused at once cause one refresh, not one each.
   */
  invalidate(token: string): void {
    if (this.#current?.token === token) this.#current = undefined;
  }

  async #fetch(): Promise<string> {
    const { tokenUrl, clientId, clientSecret, scope, audience } = this.credentials;
    const url = new URL(tokenUrl);
    // Credentials in the form body (client_secret_post): the one method every major provider
    // (Entra ID, Auth0, Keycloak, Cognito, SAP BTP) accepts.
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
    });
    if (scope) form.set('scope', scope);
    if (audience) form.set('audience', audience);
    const started = this.now();
    const answer = await this.transport.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      bodyText: form.toString(),
      timeoutMs: this.timeoutMs,
    });
    const where = { method: 'POST', url: describeUrl(url) };
    // RFC 6749 §5.2: bad client credentials are a 400 (invalid_client) or a 401.
    if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
      throw new AuthError('HTTP_UNAUTHORIZED', `The token endpoint ${where.url} refused the client credentials.`, {
        details: { status: answer.status, url: where.url, bodyExcerpt: excerpt(answer.bodyText) },
      });
    }
    const error = statusError(answer, 'POST', new Date(this.now()));
    if (error) throw error;
    const { token, expiresInS } = readToken(answer.bodyText, where.url);
    const lifetimeMs = (expiresInS ?? DEFAULT_LIFETIME_S) * 1000;
    // Refresh a little early (10 %, at most a minute) so a token does not expire in flight.
    this.#current = { token, refreshAt: started + lifetimeMs - Math.min(60_000, lifetimeMs / 10) };
    this.log?.debug('oauth2 token fetched', { tokenUrl: where.url, expiresInS });
    return token;
  }
}

function readToken(bodyText: string, url: string): { token: string; expiresInS: number | undefined } {
  let body: { access_token?: unknown; expires_in?: unknown } | undefined;
  try {
    body = JSON.parse(bodyText) as typeof body;
  } catch {
    body = undefined;
  }
  const token = body?.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new RemoteError('HTTP_REJECTED', `The token endpoint ${url} answered without an access_token.`, {
      // Field names only when it is JSON: a malformed token answer may still hold a secret.
      details:
        body && typeof body === 'object' ? { url, fields: Object.keys(body) } : { url, bodyExcerpt: excerpt(bodyText) },
    });
  }
  // Some providers send expires_in as a string ("3599").
  const expires = Number(body?.expires_in);
  return { token, expiresInS: Number.isFinite(expires) && expires > 0 ? expires : undefined };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
