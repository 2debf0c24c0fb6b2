import type { RouteDef } from './api.ts';

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The API reference as one self-contained HTML page (no script, no CDN: the CSP allows neither),
 * written from the route table: every operation with its role, parameters and body schema.
 */
export function referencePage(routes: readonly RouteDef[], version: string): string {
  const byTag = new Map<string, RouteDef[]>();
  for (const r of routes) byTag.set(r.tag, [...(byTag.get(r.tag) ?? []), r]);
  const sections = [...byTag]
    .map(
      ([tag, list]) =>
        `<section><h2>${escape(tag)}</h2>${list
          .map(
            (r) => `<article><h3><code>${r.method.toUpperCase()} ${escape(r.path)}</code></h3>
<p>${escape(r.summary)}</p><p class="role">${r.access === 'public' ? 'no credentials needed' : `role: <b>${r.access}</b>`}</p>
${r.query ? `<details><summary>query</summary><pre>${escape(JSON.stringify(r.query, null, 2))}</pre></details>` : ''}
${r.body ? `<details><summary>body (application/json)</summary><pre>${escape(JSON.stringify(r.body, null, 2))}</pre></details>` : ''}
</article>`,
          )
          .join('\n')}</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Millrace API ${escape(version)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f5f7;padding:.75rem;overflow:auto}
article{border-top:1px solid #dde;padding:.5rem 0}.role{color:#555}</style></head>
<body><h1>Millrace API ${escape(version)}</h1>
<p>Send <code>Authorization: Bearer &lt;API token&gt;</code> (or log in for a session cookie). Errors are
RFC 9457 <code>application/problem+json</code>. Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${sections}
</body></html>`;
}
