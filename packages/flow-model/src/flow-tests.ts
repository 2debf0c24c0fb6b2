import { check, joinPointer, sortProblems, type Checked, type Problem } from '@millrace/schema';
import type { Flow } from './flow-schema.ts';
import { FlowTestsSchema, type FlowTests } from './flow-tests-schema.ts';
import { parseJsonText } from './json-text.ts';
import { compiled } from './validators.ts';

/** `<flow-id>.tests.json` beside `<flow-id>.flow.json`. */
export const flowTestsFileOf = (flowFile: string): string => flowFile.replace(/(\.flow)?\.json$/, '.tests.json');

/**
 * Checks a flow's test file: its shape, and (given the flow) that every node, trigger and
 * connection slot it names exists there, so a renamed node fails here, not as a puzzling case.
 */
export function loadFlowTests(input: string | unknown, options: { flow?: Flow } = {}): Checked<FlowTests> {
  let doc: unknown = input;
  if (typeof input === 'string') {
    const parsed = parseJsonText(input);
    if (!parsed.ok) return parsed;
    doc = parsed.value;
  }
  const problems: Problem[] = check(compiled(FlowTestsSchema), doc);
  if (problems.length > 0) return { ok: false, problems };
  const tests = doc as FlowTests;
  if (options.flow) problems.push(...checkAgainstFlow(tests, options.flow));
  return problems.length > 0 ? { ok: false, problems: sortProblems(problems) } : { ok: true, value: tests };
}

function checkAgainstFlow(tests: FlowTests, flow: Flow): Problem[] {
  const out: Problem[] = [];
  if (tests.flow !== flow.id)
    out.push({ pointer: '/flow', message: `is "${tests.flow}", but the flow is "${flow.id}"` });
  const nodes = new Map(flow.nodes.map((n) => [n.id, n]));
  const slots = new Set(Object.keys(flow.connections ?? {}));
  const triggers = flow.nodes.filter((n) => n.type.startsWith('trigger.')).map((n) => n.id);
  const names = new Map<string, number>();
  const node = (pointer: string, id: string) => {
    if (!nodes.has(id)) out.push({ pointer, message: `"${id}" is not a node of flow ${flow.id}` });
  };
  const slot = (pointer: string, name: string) => {
    if (!slots.has(name))
      out.push({
        pointer,
        message: `"${name}" is not a connection slot of flow ${flow.id}${slots.size ? ` (slots: ${[...slots].join(', ')})` : ''}`,
      });
  };
  tests.cases.forEach((c, i) => {
    const at = `/cases/${i}`;
    const twin = names.get(c.name);
    if (twin !== undefined)
      out.push({ pointer: `${at}/name`, message: `"${c.name}" is also the name of case ${twin}` });
    names.set(c.name, i);
    if (c.trigger !== undefined) {
      if (!triggers.includes(c.trigger))
        out.push({
          pointer: `${at}/trigger`,
          message: `"${c.trigger}" is not a trigger of flow ${flow.id} (${triggers.join(', ')})`,
        });
    } else if (triggers.length > 1) {
      out.push({
        pointer: at,
        message: `the flow has several triggers (${triggers.join(', ')}): name one in "trigger"`,
      });
    }
    for (const name of Object.keys(c.mocks ?? {})) slot(joinPointer(`${at}/mocks`, name), name);
    const e = c.expect;
    e.visits?.forEach((id, j) => node(`${at}/expect/visits/${j}`, id));
    e.skips?.forEach((id, j) => node(`${at}/expect/skips/${j}`, id));
    if (e.deadLetter) node(`${at}/expect/deadLetter/node`, e.deadLetter.node);
    for (const id of Object.keys(e.outputs ?? {})) node(joinPointer(`${at}/expect/outputs`, id), id);
    for (const name of Object.keys(e.requests ?? {})) slot(joinPointer(`${at}/expect/requests`, name), name);
    e.published?.forEach((p, j) => slot(`${at}/expect/published/${j}/slot`, p.slot));
  });
  return out;
}
