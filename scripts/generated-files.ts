import { generatedFiles as canonicalFiles } from '@millrace/canonical';
import { generatedFiles as flowModelFiles } from '@millrace/flow-model';
import { generatedFiles as catalogFiles } from '@millrace/flow-nodes/scan';
import { nodeDocFiles } from './node-docs.ts';

/** Every generated file of the repository. CI fails when a committed one is stale. */
export async function allGeneratedFiles(): Promise<Array<{ path: string; content: string }>> {
  return [...canonicalFiles(), ...flowModelFiles(), ...(await catalogFiles()), ...(await nodeDocFiles())];
}
