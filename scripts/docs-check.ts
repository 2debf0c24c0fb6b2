/**
 * Checks that keep the documentation honest (issue 8): every relative link in the Markdown files
 * resolves (file present, `#anchor` matching a heading the way GitHub makes its ids), and every
 * environment variable the code reads is named in docs/operations.md. Pure functions over text,
 * so the test can prove each one fails on a bad sample before trusting it on the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Fenced code blocks and inline code spans blanked out (same length, newlines kept): links in code are examples. */
export function withoutCode(markdown: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return markdown
    .replace(/^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n {0,3}\2[^\n]*|$)/gm, blank)
    .replace(/(`+)[^`\n][\s\S]*?\1/g, blank);
}

/**
 * GitHub's heading id: lower case, inline markup reduced to its text, every character that is not
 * a letter, digit, space, `-` or `_` dropped, spaces to `-`. Repeats get `-1`, `-2` … (see
 * `headingSlugs`).
 */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images: their text
    .replace(/<[^>]+>/g, '') // inline HTML tags
    .replace(/`/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
}

/** Every anchor a Markdown file offers: its headings' ids (with GitHub's -1, -2 for repeats) and explicit `<a id|name>`. */
export function headingSlugs(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(markdown).split('\n')) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) {
      const base = githubSlug(m[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      out.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(a[1]!);
  }
  return out;
}

function withoutFences(markdown: string): string {
  return markdown.replace(/^( {0,3})(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n {0,3}\2[^\n]*|$)/gm, (s) =>
    s.replace(/[^\n]/g, ' '),
  );
}

export interface Link {
  readonly target: string;
  readonly line: number;
}

/** The link targets of a Markdown text, outside code: inline `[t](x)`, images, reference definitions `[r]: x`. */
export function markdownLinks(markdown: string): Link[] {
  const text = withoutCode(markdown);
  const out: Link[] = [];
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  for (const m of text.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    out.push({ target: m[1]!, line: lineOf(m.index) });
  for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm))
    out.push({ target: m[1]!, line: lineOf(m.index) });
  return out;
}

export interface BrokenLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly problem: string;
}

/**
 * The broken relative links of one Markdown file. External links (a scheme such as https: or
 * mailto:) are not fetched: the check is about the repository's own files.
 */
export function brokenLinks(file: string, markdown: string, read: (path: string) => string | undefined): BrokenLink[] {
  const out: BrokenLink[] = [];
  for (const { target, line } of markdownLinks(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const hash = target.indexOf('#');
    const pathPart = decodeURI(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const path = pathPart === '' ? file : resolve(dirname(file), pathPart);
    const text = pathPart === '' ? markdown : read(path);
    if (text === undefined) {
      out.push({ file, line, target, problem: `no such file: ${pathPart}` });
      continue;
    }
    if (anchor !== undefined && anchor !== '') {
      if (!path.endsWith('.md')) continue;
      if (!headingSlugs(text).has(anchor))
        out.push({ file, line, target, problem: `no heading #${anchor} in ${pathPart || 'this file'}` });
    }
  }
  return out;
}

/** Reads a file or says it is a folder ('' — folders have no anchors); undefined when neither exists. */
export function readTarget(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  return statSync(path).isDirectory() ? '' : readFileSync(path, 'utf8');
}

/** The Markdown files of the documentation: README.md and everything under docs/. */
export function docFiles(root: string): string[] {
  const out = [join(root, 'README.md')];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  walk(join(root, 'docs'));
  return out;
}

export interface EnvRead {
  /** The variable's name; for a computed name (a template key), its text with `<x>` for each `${x}`. */
  readonly name: string;
  readonly line: number;
  /** A name built at run time from a template: docs may give it with a placeholder or an instance. */
  readonly template?: boolean;
}

export interface DynamicEnvRead {
  /** The expression inside the brackets, when it is a variable rather than a name. */
  readonly expression: string;
  readonly line: number;
}

/**
 * The environment variables a source text reads: a property with an upper-case name read from
 * `process.env`, from any object named `env` or ending in `Env` (optional chaining too), by dot or
 * by a quoted or template key (a template's `${x}` becomes `<x>`). Lower-case properties are
 * methods, not variables. A read whose key is a variable cannot be resolved by reading: it comes
 * back in `dynamic`, so a caller can insist each such site is accounted for. (This comment names
 * no read on purpose: the scanner reads its own file like any other.)
 */
export function envReads(source: string): { reads: EnvRead[]; dynamic: DynamicEnvRead[] } {
  const reads: EnvRead[] = [];
  const dynamic: DynamicEnvRead[] = [];
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const receiver = String.raw`(?:\benv|\b[A-Za-z_$][\w$]*Env)\??\.?`;
  for (const m of source.matchAll(
    new RegExp(String.raw`${receiver}(?:\b([A-Z][A-Z0-9_]*)\b|\[\s*([^\]]+?)\s*\])`, 'g'),
  )) {
    const line = lineOf(m.index);
    if (m[1] !== undefined) {
      // A name read needs the dot before it.
      if (!/\.\s*$/.test(m[0].slice(0, m[0].length - m[1].length))) continue;
      reads.push({ name: m[1], line });
      continue;
    }
    const inside = m[2]!;
    const quoted = /^(['"])([A-Za-z_][A-Za-z0-9_]*)\1$/.exec(inside);
    const template = /^`([^`]*)`$/.exec(inside);
    if (quoted) reads.push({ name: quoted[2]!, line });
    else if (template && template[1]!.includes('${'))
      reads.push({ name: template[1]!.replace(/\$\{\s*([^}]*?)\s*\}/g, '<$1>'), line, template: true });
    else if (template) reads.push({ name: template[1]!, line });
    else dynamic.push({ expression: inside, line });
  }
  return { reads, dynamic };
}

/**
 * Whether a document names a variable: as a whole word, or — for a template name such as
 * `MES_<plant>_API_KEY` — any name of that shape (`MES_<PLANT>_API_KEY`, `MES_P100_API_KEY`).
 */
export function documents(doc: string, read: EnvRead): boolean {
  if (!read.template) return new RegExp(String.raw`(?<![A-Za-z0-9_])${read.name}(?![A-Za-z0-9_])`).test(doc);
  const pattern = read.name
    .split(/<[^>]*>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join(String.raw`(?:<[A-Za-z_ -]+>|[A-Za-z0-9]+)`);
  return new RegExp(String.raw`(?<![A-Za-z0-9_])${pattern}(?![A-Za-z0-9_])`).test(doc);
}

/** The source files whose environment reads must be documented: code, not tests or generated output. */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|tsx|mts|js|mjs|cjs)$/.test(e.name) && !/\.test\.(ts|tsx)$/.test(e.name))
        out.push(relative(root, p));
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  return out.sort();
}
