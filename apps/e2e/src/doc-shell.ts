/**
 * Runs the shell blocks of a Markdown document — the small subset of shell they are written in —
 * so a tutorial's commands are executed word for word by a test, and a command that stops working
 * fails it. Blocks are fenced as ```` ```sh tutorial=<step> ````. What is understood: `curl` with
 * -s, -X, -H, -d, --data-binary @- (a heredoc body), -c/-b (a cookie jar); `export NAME='value'`;
 * `export NAME=$(curl … | jq -r '<path>')`; `echo` (ignored). Anything else throws, so the doc
 * cannot drift into commands the test silently skips.
 */

/** The ```sh tutorial=<name>``` blocks of a Markdown text, by name. */
export function tutorialBlocks(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of markdown.matchAll(/^```sh tutorial=([\w-]+)\n([\s\S]*?)\n```$/gm)) {
    if (out.has(m[1]!)) throw new Error(`two blocks named tutorial=${m[1]}`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

export interface CurlCall {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** -c: save the answer's cookies under this jar name. */
  readonly saveCookies?: string;
  /** -b: send the cookies of this jar. */
  readonly sendCookies?: string;
}

export interface Command {
  readonly curl: CurlCall;
  /** `export NAME=$(curl … | jq -r PATH)`: the variable set from the answer. */
  readonly assign?: { readonly name: string; readonly jqPath: string };
}

export type Vars = Record<string, string>;

/** Shell words of one line: '…' literal, "…" and bare words with $NAME expanded. */
export function words(line: string, vars: Vars): string[] {
  const out: string[] = [];
  let i = 0;
  const expand = (s: string) =>
    s.replace(/\$(\w+)|\$\{(\w+)\}/g, (_, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      if (!(name in vars)) throw new Error(`$${name} is not set`);
      return vars[name]!;
    });
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    let word = '';
    while (i < line.length && line[i] !== ' ') {
      const c = line[i]!;
      if (c === "'") {
        const end = line.indexOf("'", i + 1);
        word += line.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        const end = line.indexOf('"', i + 1);
        word += expand(line.slice(i + 1, end));
        i = end + 1;
      } else {
        let end = i;
        while (end < line.length && !' \'"'.includes(line[end]!)) end++;
        word += expand(line.slice(i, end));
        i = end;
      }
    }
    out.push(word);
  }
  return out;
}

function parseCurl(argv: readonly string[], heredoc: string | undefined): CurlCall {
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  let saveCookies: string | undefined;
  let sendCookies: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-s') continue;
    else if (a === '-X') method = argv[++i];
    else if (a === '-H') {
      const h = argv[++i]!;
      const colon = h.indexOf(':');
      headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
    } else if (a === '-d') body = argv[++i];
    else if (a === '--data-binary') {
      if (argv[++i] !== '@-') throw new Error('--data-binary takes @- (a heredoc) here');
      if (heredoc === undefined) throw new Error('--data-binary @- without a heredoc');
      body = heredoc;
    } else if (a === '-c') saveCookies = argv[++i];
    else if (a === '-b') sendCookies = argv[++i];
    else if (/^https?:\/\//.test(a)) url = a;
    else throw new Error(`curl option not understood: ${a}`);
  }
  if (!url) throw new Error(`curl without a URL: ${argv.join(' ')}`);
  return {
    method: method ?? (body !== undefined ? 'POST' : 'GET'),
    url,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(saveCookies ? { saveCookies } : {}),
    ...(sendCookies ? { sendCookies } : {}),
  };
}

/**
 * The commands of one block, in order, with the variables known so far (`export NAME='v'` adds
 * to `vars` unless the caller set NAME already: the caller's value wins, e.g. a real password
 * for the doc's placeholder). Variables set from answers are expanded when their command runs,
 * so parsing is lazy: call `next` after running the previous command.
 */
export function* parseBlock(block: string, vars: Vars): Generator<Command, void, void> {
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('echo ')) continue;
    const literal = /^export (\w+)='([^']*)'$/.exec(line);
    if (literal) {
      if (!(literal[1]! in vars)) vars[literal[1]!] = literal[2]!;
      continue;
    }
    const assign = /^export (\w+)=\$\((.*)$/.exec(line);
    let text = assign ? assign[2]! : line;
    let jqPath: string | undefined;
    const jq = /\s*\| jq -r '([^']+)'\)?\s*$/.exec(text);
    if (jq) {
      jqPath = jq[1]!;
      text = text.slice(0, jq.index);
    }
    if (assign && !jq) throw new Error(`export ${assign[1]}=$(…) needs | jq -r '<path>'`);
    let heredoc: string | undefined;
    const here = /\s*<<('?)(\w+)\1\s*$/.exec(text);
    if (here) {
      text = text.slice(0, here.index);
      const end = lines.indexOf(here[2]!, i + 1);
      if (end === -1) throw new Error(`heredoc ${here[2]} is not closed`);
      const raw = lines.slice(i + 1, end).join('\n');
      // <<'X' is literal; <<X expands variables, as the shell does.
      heredoc = here[1] === "'" ? raw : raw.replace(/\$(\w+)/g, (_, n: string) => vars[n] ?? '');
      i = end;
      if (assign) {
        if (lines[i + 1]?.trim() !== ')') throw new Error(`export ${assign[1]}=$(… <<${here[2]} … needs ) after it`);
        i++;
      }
    }
    const argv = words(text, vars);
    if (argv[0] !== 'curl') throw new Error(`not understood in a tutorial block: ${line}`);
    yield { curl: parseCurl(argv, heredoc), ...(assign ? { assign: { name: assign[1]!, jqPath: jqPath! } } : {}) };
  }
}

/** `jq -r` for the paths the tutorial uses: `.a.b[0].c`. */
export function jqPath(value: unknown, path: string): string {
  let v: unknown = value;
  for (const part of path.match(/\.\w+|\[\d+\]/g) ?? []) {
    if (v === null || v === undefined) break;
    v = part.startsWith('[')
      ? (v as unknown[])[Number(part.slice(1, -1))]
      : (v as Record<string, unknown>)[part.slice(1)];
  }
  return v === null || v === undefined ? 'null' : typeof v === 'string' ? v : JSON.stringify(v);
}

export interface Answer {
  readonly call: CurlCall;
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
}

/**
 * Runs a block against real servers: `rewrite` maps each URL of the doc (127.0.0.1:3000 …) to
 * where the test's processes listen. Returns every answer, in order; `vars` gains what the block
 * exports.
 */
export async function runBlock(
  block: string,
  vars: Vars,
  rewrite: (url: string) => string,
  jars: Map<string, string> = new Map(),
): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const command of parseBlock(block, vars)) {
    const c = command.curl;
    const headers = { ...c.headers, ...(c.sendCookies ? { cookie: jars.get(c.sendCookies) ?? '' } : {}) };
    const res = await fetch(rewrite(c.url), {
      method: c.method,
      headers,
      ...(c.body !== undefined ? { body: c.body } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (c.saveCookies)
      jars.set(
        c.saveCookies,
        res.headers
          .getSetCookie()
          .map((s) => s.split(';')[0])
          .join('; '),
      );
    if (command.assign) vars[command.assign.name] = jqPath(json, command.assign.jqPath);
    answers.push({ call: c, status: res.status, text, json });
  }
  return answers;
}
