// Deep links: every page of the designer has a path of its own (the server answers any non-API
// path with the app), so a link to a run, a flow's draft or an audit filter can be shared.
import { useEffect, useState } from 'react';

export type Route =
  | { readonly page: 'flows' }
  | { readonly page: 'flow-edit'; readonly flow: string }
  | { readonly page: 'flow-version'; readonly flow: string; readonly version: string }
  | { readonly page: 'flow-history'; readonly flow: string }
  | { readonly page: 'runs' }
  | { readonly page: 'run'; readonly run: string }
  | { readonly page: 'dead-letters' }
  | { readonly page: 'approvals' }
  | { readonly page: 'dashboard' }
  | { readonly page: 'plants' }
  | { readonly page: 'packs' }
  | { readonly page: 'users' }
  | { readonly page: 'tokens' }
  | { readonly page: 'audit' }
  | { readonly page: 'not-found'; readonly path: string };

const SIMPLE = [
  'flows',
  'runs',
  'dead-letters',
  'approvals',
  'dashboard',
  'plants',
  'packs',
  'users',
  'tokens',
  'audit',
] as const;

/** The route of a URL path; `/` is the dashboard. Pure, so it is tested without a browser. */
export function parseRoute(pathname: string): Route {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts.length === 0) return { page: 'dashboard' };
  const [head, a, b, c] = parts;
  if (parts.length === 1 && (SIMPLE as readonly string[]).includes(head!))
    return { page: head as (typeof SIMPLE)[number] };
  if (head === 'flows' && a !== undefined) {
    if (parts.length === 2) return { page: 'flow-edit', flow: a };
    if (parts.length === 3 && b === 'history') return { page: 'flow-history', flow: a };
    if (parts.length === 4 && b === 'versions') return { page: 'flow-version', flow: a, version: c! };
  }
  if (head === 'runs' && a !== undefined && parts.length === 2) return { page: 'run', run: a };
  return { page: 'not-found', path: pathname };
}

/** The URL path of a route (the inverse of parseRoute). */
export function routePath(route: Route): string {
  const e = encodeURIComponent;
  switch (route.page) {
    case 'flow-edit':
      return `/flows/${e(route.flow)}`;
    case 'flow-version':
      return `/flows/${e(route.flow)}/versions/${e(route.version)}`;
    case 'flow-history':
      return `/flows/${e(route.flow)}/history`;
    case 'run':
      return `/runs/${e(route.run)}`;
    case 'not-found':
      return route.path;
    default:
      return `/${route.page}`;
  }
}

const CHANGED = 'millrace:navigate';

/** Goes to a route without reloading the page (the browser's back button comes back here). */
export function navigate(route: Route | string): void {
  const path = typeof route === 'string' ? route : routePath(route);
  if (path === location.pathname + location.search) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new Event(CHANGED));
}

/** Calls `listener` after navigate() and the browser's back and forward buttons; returns the unsubscribe. */
export function onNavigate(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(CHANGED, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(CHANGED, listener);
  };
}

/** The current route, following navigate() and the browser's back and forward buttons. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => onNavigate(() => setRoute(parseRoute(location.pathname))), []);
  return route;
}

/** An in-app link: a real <a href> (open in a new tab works), navigating in place on a plain click. */
export function linkProps(route: Route | string): {
  href: string;
  onClick: (e: {
    button: number;
    metaKey: boolean;
    ctrlKey: boolean;
    shiftKey: boolean;
    preventDefault(): void;
  }) => void;
} {
  const href = typeof route === 'string' ? route : routePath(route);
  return {
    href,
    onClick: (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
      e.preventDefault();
      navigate(href);
    },
  };
}
