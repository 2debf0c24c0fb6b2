import { describe, expect, it } from 'vitest';
import { jqPath, parseBlock, tutorialBlocks, words } from './doc-shell.ts';

describe('the tutorial block runner', () => {
  it('finds the named sh blocks and refuses two of one name', () => {
    const md = '```sh tutorial=a\ncurl -s http://x/a\n```\n\n```sh\nnot this\n```\n```sh tutorial=b\necho hi\n```\n';
    expect([...tutorialBlocks(md)]).toEqual([
      ['a', 'curl -s http://x/a'],
      ['b', 'echo hi'],
    ]);
    expect(() => tutorialBlocks('```sh tutorial=a\nx\n```\n```sh tutorial=a\ny\n```\n')).toThrow(/two blocks/);
  });

  it('splits words as the shell does: single quotes literal, double quotes and bare words expanded', () => {
    expect(words(`curl -H "authorization: Bearer $T" '$T' http://h/$ID`, { T: 'tok', ID: '7' })).toEqual([
      'curl',
      '-H',
      'authorization: Bearer tok',
      '$T',
      'http://h/7',
    ]);
    expect(() => words('echo $NOPE', {})).toThrow(/\$NOPE is not set/);
  });

  it('reads curl with a heredoc body, an assignment through jq, and keeps a value the caller set', () => {
    const vars: Record<string, string> = { PASSWORD: 'real' };
    const block = [
      "export PASSWORD='placeholder'",
      "export ID=$(curl -s -X POST http://h/a -H 'content-type: application/json' --data-binary @- <<JSON | jq -r '.items[0].id'",
      '{ "p": "$PASSWORD" }',
      'JSON',
      ')',
      "curl -s -X PUT http://h/b/$ID -d '{}'",
    ].join('\n');
    const commands = parseBlock(block, vars);
    const first = commands.next().value!;
    expect(first).toEqual({
      curl: {
        method: 'POST',
        url: 'http://h/a',
        headers: { 'content-type': 'application/json' },
        body: '{ "p": "real" }',
      },
      assign: { name: 'ID', jqPath: '.items[0].id' },
    });
    vars.ID = '42';
    expect(commands.next().value!.curl).toMatchObject({ method: 'PUT', url: 'http://h/b/42', body: '{}' });
    expect(commands.next().done).toBe(true);
  });

  it('refuses a command it does not understand, so the doc cannot hold steps the test skips', () => {
    expect(() => [...parseBlock('rm -rf data', {})]).toThrow(/not understood/);
    expect(() => [...parseBlock('curl --fail http://h/x', {})]).toThrow(/not understood: --fail/);
  });

  it('evaluates jq paths like jq -r', () => {
    expect(jqPath({ a: [{ b: 'x' }] }, '.a[0].b')).toBe('x');
    expect(jqPath({ a: 1 }, '.b.c')).toBe('null');
    expect(jqPath({ a: 5 }, '.a')).toBe('5');
  });
});
