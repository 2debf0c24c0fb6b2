import { describe, expect, it } from 'vitest';
import { parseRoute, routePath, type Route } from './router.ts';

describe('deep links', () => {
  it('reads every page of the designer from its path, and writes the same path back', () => {
    const routes: Route[] = [
      { page: 'flows' },
      { page: 'flow-edit', flow: 'batch-release' },
      { page: 'flow-version', flow: 'batch-release', version: '1.2.0' },
      { page: 'flow-history', flow: 'batch-release' },
      { page: 'runs' },
      { page: 'run', run: '42' },
      { page: 'dead-letters' },
      { page: 'approvals' },
      { page: 'dashboard' },
      { page: 'plants' },
      { page: 'packs' },
      { page: 'users' },
      { page: 'tokens' },
      { page: 'audit' },
    ];
    for (const r of routes) expect(parseRoute(routePath(r))).toEqual(r);
  });

  it('opens the dashboard at / and tolerates a trailing slash and escaped ids', () => {
    expect(parseRoute('/')).toEqual({ page: 'dashboard' });
    expect(parseRoute('/runs/')).toEqual({ page: 'runs' });
    expect(parseRoute('/flows/a%20b')).toEqual({ page: 'flow-edit', flow: 'a b' });
    expect(routePath({ page: 'flow-edit', flow: 'a/b' })).toBe('/flows/a%2Fb');
  });

  it('names a path it does not know instead of guessing a page', () => {
    expect(parseRoute('/nope')).toEqual({ page: 'not-found', path: '/nope' });
    expect(parseRoute('/flows/x/versions')).toEqual({ page: 'not-found', path: '/flows/x/versions' });
    expect(parseRoute('/runs/1/2')).toEqual({ page: 'not-found', path: '/runs/1/2' });
    expect(parseRoute('/%E0%A4%A')).toEqual({ page: 'not-found', path: '/%E0%A4%A' });
  });
});
