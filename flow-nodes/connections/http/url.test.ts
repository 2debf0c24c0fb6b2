import { describe, expect, it } from 'vitest';
import { ConfigError } from '@millrace/node-sdk';
import { describeUrl, resolveUrl } from './url.ts';

const base = new URL('http://qms.plant:4102/api/v1');

describe('resolveUrl', () => {
  it('appends a relative path to the base path instead of replacing it', () => {
    expect(resolveUrl(base, '/inspections').href).toBe('http://qms.plant:4102/api/v1/inspections');
    expect(resolveUrl(base, 'inspections').href).toBe('http://qms.plant:4102/api/v1/inspections');
    expect(resolveUrl(new URL('http://qms.plant/api/v1/'), '/x').href).toBe('http://qms.plant/api/v1/x');
  });

  it('takes an empty path as the base URL itself', () => {
    expect(resolveUrl(base, '').href).toBe('http://qms.plant:4102/api/v1');
  });

  it('adds query parameters, repeating arrays', () => {
    const url = resolveUrl(base, '/lots?plant=P100', { status: 'open', tag: ['a b', 'c&d'] });
    expect(url.search).toBe('?plant=P100&status=open&tag=a+b&tag=c%26d');
  });

  it('accepts an absolute URL on the same origin', () => {
    expect(resolveUrl(base, 'http://qms.plant:4102/other').href).toBe('http://qms.plant:4102/other');
  });

  it.each([
    'https://evil.example/collect',
    'http://qms.plant:9999/api/v1',
    'HTTP://evil.example/',
    '//evil.example/x',
    '\\\\evil.example/x',
  ])('refuses %s because it leaves the connection origin', (path) => {
    expect(() => resolveUrl(base, path)).toThrow(ConfigError);
    try {
      resolveUrl(base, path);
    } catch (e) {
      expect((e as ConfigError).code).toBe('HTTP_ORIGIN_REFUSED');
    }
  });

  it('keeps odd relative paths on the base origin', () => {
    for (const path of ['@evil.example/x', ':80@evil.example', 'evil.example:80/x', '?a=1']) {
      expect(resolveUrl(new URL('http://qms.plant'), path).origin).toBe('http://qms.plant');
    }
  });

  it('refuses user info in an absolute URL', () => {
    expect(() => resolveUrl(base, 'http://u:p@qms.plant:4102/x')).toThrow(ConfigError);
  });

  it('describes a URL without its query string', () => {
    expect(describeUrl(new URL('http://h/p?token=secret'))).toBe('http://h/p');
  });
});
