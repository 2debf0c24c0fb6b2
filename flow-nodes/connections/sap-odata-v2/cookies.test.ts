import { describe, expect, it } from 'vitest';
import { CookieJar, splitSetCookie } from './cookies.ts';

describe('CookieJar', () => {
  it('splits joined Set-Cookie values without breaking at the comma of an Expires date', () => {
    expect(
      splitSetCookie(
        'A=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/, B=2; HttpOnly, sap-usercontext=sap-client=100; path=/',
      ),
    ).toEqual([
      'A=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/',
      'B=2; HttpOnly',
      'sap-usercontext=sap-client=100; path=/',
    ]);
  });

  it('sends back what was set, replaces by name and forgets expired cookies', () => {
    const jar = new CookieJar();
    jar.store('SAP_SESSIONID_P01_100=abc; path=/, sap-usercontext=sap-client=100; path=/');
    expect(jar.header()).toBe('SAP_SESSIONID_P01_100=abc; sap-usercontext=sap-client=100');
    jar.store('SAP_SESSIONID_P01_100=def; path=/');
    jar.store('sap-usercontext=x; Max-Age=0');
    expect(jar.header()).toBe('SAP_SESSIONID_P01_100=def');
    jar.store('SAP_SESSIONID_P01_100=def; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(jar.header()).toBeUndefined();
  });
});
