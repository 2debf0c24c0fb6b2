/**
 * The documentation (`docs/`) as pages the designer can link to: the inspector's "Reference"
 * link opens a node type's page of the generated node reference, the shell's "Help" opens the
 * contents (docs/README.md), which lead to the tutorial and the designer guide. Rendered on request from the Markdown files themselves, so what the browser shows is
 * what the repository holds; relative links between the files become links between the pages,
 * and headings get GitHub's ids so `page.md#anchor` links land where they do on GitHub.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Marked, type Tokens } from 'marked';

export const GUIDE_PATH = '/api/docs/guide';

/** `docs/` of this checkout: the server runs from the repository (`npm start`). */
export const DEFAULT_DOCS_DIR = fileURLToPath(new URL('../../../docs/', import.meta.url));

/** A path segment of a page: no `..`, no hidden files, nothing but a plain file name. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A page's Markdown file (relative to `docs/`, POSIX) for its URL segments, or undefined when there is none. */
export function guideFile(docsDir: string, segments: readonly string[]): string | undefined {
  if (!segments.every((s) => SEGMENT.test(s))) return undefined;
  const base = segments.join('/');
  const candidates = base === '' ? ['README.md'] : [`${base}.md`, `${base}/README.md`];
  return candidates.find((rel) => {
    const file = join(docsDir, ...rel.split('/'));
    return existsSync(file) && statSync(file).isFile();
  });
}

/** The page URL of a file under `docs/` (`nodes/README.md` → …/guide/nodes). */
export function guideUrl(rel: string): string {
  const page = rel.replace(/\.md$/, '').replace(/(^|\/)README$/, '');
  return page === '' ? GUIDE_PATH : `${GUIDE_PATH}/${page}`;
}

/**
 * Where a link in `from` (a file under `docs/`) points among the pages: absolute links stay as
 * they are, a relative link to a Markdown file (or a folder with a README) becomes its page URL,
 * and a link leaving `docs/` or naming some other file gives undefined (the text stays, unlinked).
 */
export function guideHref(docsDir: string, from: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/')) return href;
  if (href.startsWith('#')) return href;
  const hash = href.indexOf('#');
  const target = hash === -1 ? href : href.slice(0, hash);
  const fragment = hash === -1 ? '' : href.slice(hash);
  const rel = posix.normalize(posix.join(posix.dirname(from), decodeURIComponent(target)));
  if (rel.startsWith('..')) return undefined;
  const segments = rel.replace(/\/$/, '').replace(/\.md$/, '').split('/');
  const file = target.endsWith('.md') || target.endsWith('/') ? guideFile(docsDir, segments) : undefined;
  return file ? guideUrl(file) + fragment : undefined;
}

/** GitHub's heading id: lower case, markup gone, only letters, digits, spaces, `-` and `_`, spaces to `-`. */
export function headingId(text: string): string {
  return text
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** One page as HTML: the file rendered, its title, and a bar to the main pages. No script (the CSP allows none inline). */
export function renderGuidePage(docsDir: string, rel: string): string {
  const markdown = readFileSync(join(docsDir, ...rel.split('/')), 'utf8');
  const seen = new Map<string, number>();
  let title = rel;
  const marked = new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth, text }: Tokens.Heading) {
        const inner = this.parser.parseInline(tokens);
        const base = headingId(text);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        if (depth === 1 && title === rel) title = text.replace(/`/g, '');
        return `<h${depth} id="${escape(n === 0 ? base : `${base}-${n}`)}">${inner}</h${depth}>\n`;
      },
      link({ href, title: linkTitle, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const to = guideHref(docsDir, rel, href);
        if (to === undefined)
          return `<span class="repo-link" title="in the repository: ${escape(href)}">${inner}</span>`;
        const external = /^https?:/i.test(to);
        return `<a href="${escape(to)}"${linkTitle ? ` title="${escape(linkTitle)}"` : ''}${external ? ' rel="noopener noreferrer"' : ''}>${inner}</a>`;
      },
    },
  });
  const body = marked.parse(markdown, { async: false });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${escape(title)} — Millrace docs</title>
<style>body{font:15px/1.55 system-ui,sans-serif;max-width:62rem;margin:0 auto;padding:0 1rem 3rem;color:#1b1f24}
nav{display:flex;gap:1rem;padding:.75rem 0;border-bottom:1px solid #dde;margin-bottom:1rem}
code,pre{font-family:ui-monospace,monospace;font-size:.88em}pre{background:#f4f5f7;padding:.75rem;overflow:auto}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #dde;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f5f7}.repo-link{text-decoration:underline dotted}</style></head>
<body><nav aria-label="Documentation"><a href="${GUIDE_PATH}">Contents</a><a href="${GUIDE_PATH}/tutorial">Tutorial</a><a href="${GUIDE_PATH}/designer">Designer guide</a><a href="${GUIDE_PATH}/nodes">Node reference</a><a href="${GUIDE_PATH}/operations">Operations</a><a href="${GUIDE_PATH}/flow-format">Flow format</a><a href="/api/docs">API</a><a href="/">Back to the designer</a></nav>
<main>${body}</main>
</body></html>`;
}
