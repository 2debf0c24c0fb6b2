/**
 * The cookies of one SAP connection. SAP binds the CSRF token to the security session named in
 * its cookies (SAP_SESSIONID_<SID>_<client>, sap-XSRF_<SID>_<client>), so a write must send
 * back exactly the cookies the token fetch set. One jar per client, for one origin: Domain and
 * Path are not tracked, since everything the connection calls is under its base URL.
 */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Takes the Set-Cookie headers of an answer. The transport joins repeats with ", ". */
  store(setCookie: string | undefined): void {
    if (!setCookie) return;
    for (const line of splitSetCookie(setCookie)) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || expired(attributes)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The Cookie header to send, or undefined when the jar is empty. */
  header(): string | undefined {
    if (this.#cookies.size === 0) return undefined;
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  clear(): void {
    this.#cookies.clear();
  }
}

/**
 * Splits Set-Cookie values joined with ", ". A comma also appears inside Expires
 * ("Wed, 21 Oct 2015 07:28:00 GMT"), so a split happens only where a new "name=" follows.
 */
export function splitSetCookie(joined: string): string[] {
  return joined
    .split(/,(?=\s*[^;,=\s]+=)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function expired(attributes: readonly string[]): boolean {
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (name === 'max-age' && /^-?\d+$/.test(value)) return Number(value) <= 0;
    if (name === 'expires') {
      const at = Date.parse(value);
      if (!Number.isNaN(at) && at <= Date.now()) return true;
    }
  }
  return false;
}
