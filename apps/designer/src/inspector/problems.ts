import { codeSyntaxError, expressionSyntaxError, type Flow, type Problem } from '@millrace/flow-model';
import type { Field } from './form-model.ts';

/** The problems of one node, with pointers made relative to the node (`/config/routes/0/when`). */
export function nodeProblems(flow: Flow, nodeId: string, problems: readonly Problem[]): Problem[] {
  const index = flow.nodes.findIndex((n) => n.id === nodeId);
  const prefix = `/nodes/${index}`;
  const inNode = (p: Problem) => index >= 0 && (p.pointer === prefix || p.pointer.startsWith(prefix + '/'));
  return problems
    .filter((p) => p.nodeId === nodeId || inNode(p))
    .map((p) => ({ ...p, pointer: inNode(p) ? p.pointer.slice(prefix.length) : '' }));
}

/** Everything wrong with a field: the immediate check, a syntax error, the flow's problems. */
export function fieldMessages(field: Field, problemsAt: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  if (field.error) out.push(field.error);
  if (typeof field.value === 'string' && field.value !== '') {
    const syntax =
      field.kind === 'expression'
        ? expressionSyntaxError(field.value)
        : field.kind === 'code'
          ? codeSyntaxError(field.value)
          : undefined;
    if (syntax) out.push(syntax);
  }
  // The server finds the same syntax error: say it once.
  for (const p of problemsAt.get(field.pointer) ?? []) if (!out.includes(p)) out.push(p);
  return out;
}
