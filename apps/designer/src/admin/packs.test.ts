import { describe, expect, it } from 'vitest';
import { changesAnything, diffLines, diffSummary, missingSecretsOf, packFilesOf, packFilesProblem } from './packs.ts';

describe('the files of a chosen pack folder', () => {
  it('strips the top folder of a webkitdirectory listing', () => {
    expect(
      packFilesOf([
        { path: 'production-order-change/pack.json', text: 'm' },
        { path: 'production-order-change/flows/a.flow.json', text: 'f' },
      ]),
    ).toEqual({ 'pack.json': 'm', 'flows/a.flow.json': 'f' });
  });

  it('keeps paths of files dropped from inside the pack root as they are', () => {
    expect(
      packFilesOf([
        { path: 'pack.json', text: 'm' },
        { path: 'flows/a.flow.json', text: 'f' },
      ]),
    ).toEqual({ 'pack.json': 'm', 'flows/a.flow.json': 'f' });
  });

  it('leaves out hidden files and node_modules, and reads backslashes as separators', () => {
    expect(
      packFilesOf([
        { path: 'p\\pack.json', text: 'm' },
        { path: 'p/.DS_Store', text: 'x' },
        { path: 'p/node_modules/x.js', text: 'x' },
        { path: 'p/.git/HEAD', text: 'x' },
      ]),
    ).toEqual({ 'pack.json': 'm' });
  });

  it('says what is missing before asking the server', () => {
    expect(packFilesProblem({})).toBe('No files chosen.');
    expect(packFilesProblem({ 'p/pack.json': 'm' })).toMatch(/No pack\.json/);
    expect(packFilesProblem({ 'pack.json': 'm' })).toBeUndefined();
  });
});

describe('the diff of an import', () => {
  const answer = {
    dryRun: true,
    pack: { name: 'p', version: '1.1.0' },
    flows: [
      { flow: 'a', version: '1.0.0', change: 'new' as const },
      { flow: 'b', version: '1.0.0', change: 'unchanged' as const },
      {
        flow: 'c',
        version: '1.1.0',
        change: 'new-version' as const,
        from: '1.0.0',
        diff: {
          nodesAdded: ['x'],
          nodesRemoved: [],
          nodesChanged: ['y', 'z'],
          edgesAdded: 1,
          edgesRemoved: 0,
          settings: [],
        },
      },
    ],
    plants: [
      { plant: 'P100', change: 'changed' as const, fields: ['connections/erp'] },
      { plant: 'P200', change: 'new' as const },
    ],
  };

  it('marks each flow and profile added, changed or unchanged, with versions and what changed', () => {
    const { flows, plants } = diffLines(answer);
    expect(flows).toEqual([
      { kind: 'added', text: '+ flow a 1.0.0 (new)' },
      { kind: 'unchanged', text: '= flow b 1.0.0 (unchanged, already installed)' },
      { kind: 'changed', text: '~ flow c 1.0.0 → 1.1.0: nodes added: x; nodes changed: y, z; 1 edge(s) added' },
    ]);
    expect(plants).toEqual([
      { kind: 'changed', text: '~ plant profile P100 changed: connections/erp' },
      { kind: 'added', text: '+ plant profile P200 (new)' },
    ]);
  });

  it('sums the import up in one line, and knows when nothing would change', () => {
    expect(diffSummary(answer)).toBe(
      '3 flow(s): 1 new, 1 new version(s), 1 unchanged; 2 plant profile(s): 1 new, 1 changed, 0 unchanged',
    );
    expect(changesAnything(answer)).toBe(true);
    expect(
      changesAnything({ ...answer, flows: [answer.flows[1]!], plants: [{ plant: 'P1', change: 'unchanged' }] }),
    ).toBe(false);
  });

  it('reads the missing secret names out of a refusal', () => {
    expect(missingSecretsOf('set these secrets first (PUT /api/secrets/<name>): ERP_P100_PASSWORD, MES_KEY')).toEqual([
      'ERP_P100_PASSWORD',
      'MES_KEY',
    ]);
  });
});
