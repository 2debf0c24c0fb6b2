import { ConfigError } from '@millrace/node-sdk';

/** Query parameters of one request: a repeated parameter is an array. */
export type Query = Readonly<Record<string, string | readonly string[]>>;

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * Resolves a request path against the connection's base URL.
 *
 * A relative path is appended to the base path ("/inspections" on "http://qms/api/v1" is
 * "http://qms/api/v1/inspections"), not resolved the browser way, which would drop "/api/v1":
 * flow authors write paths relative to the endpoint they bound. An absolute URL is accepted
 * only on the base URL's own origin: a flow must not send data (or the connection's
 * credentials) to a host the plant's profile did not name.
 */
export function resolveUrl(base: URL, path: string, query?: Query): URL {
  let url: URL;
  if (ABSOLUTE.test(path) || path.startsWith('//') || path.startsWith('\\\\')) {
    try {
      url = new URL(path.startsWith('\\\\') ? 'http:' + path : path, base);
    } catch {
      throw new ConfigError('HTTP_INVALID_REQUEST', `"${path}" is not a valid URL.`);
    }
    if (url.origin !== base.origin) throw refused(url, base);
  } else {
    const basePath = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname;
    const rest = path === '' || path.startsWith('/') || path.startsWith('?') ? path : '/' + path;
    url = new URL(base.origin + basePath + rest);
    // The origin always comes from the base and a "/" or "?" follows it, so this cannot move
    // to another host; checked anyway, because a wrong guess here would leak credentials.
    if (url.origin !== base.origin) throw refused(url, base);
  }
  if (url.username || url.password) {
    throw new ConfigError('HTTP_INVALID_REQUEST', 'A request URL must not carry a user name or password.');
  }
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const v of typeof value === 'string' ? [value] : value) url.searchParams.append(name, v);
  }
  return url;
}

function refused(url: URL, base: URL): ConfigError {
  return new ConfigError(
    'HTTP_ORIGIN_REFUSED',
    `The request goes to ${url.origin}, but the connection only allows ${base.origin}.`,
    { details: { origin: url.origin, allowed: base.origin } },
  );
}

/** The URL as it may appear in an error or a log: no query string, which can carry data. */
export function describeUrl(url: URL): string {
  return url.origin + url.pathname;
}
