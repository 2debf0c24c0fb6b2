import { DataError, defineNode, emitText } from '@millrace/node-sdk';
import { checkSchemaChoice as checkPayload } from '@millrace/canonical';
import { definition } from './definition.ts';

type MapConfig =
  | { mode?: 'code'; source: string; outputSchema?: string | Record<string, unknown> }
  | {
      mode: 'fields';
      fields: Array<{ target: string; value: string }>;
      outputSchema?: string | Record<string, unknown>;
    };

const generated = new WeakMap<object, string>();

/**
 * A field table becomes one function, run in the sandbox like code: each row assigns one
 * expression's value to its target path. Targets are checked against a strict pattern at
 * publish time; expressions stay user code and never run in the host.
 */
function fieldsSource(fields: Array<{ target: string; value: string }>): string {
  const lines = [
    'const out = {};',
    'const set = (path, v) => { let o = out; const parts = path.match(/[^.[\\]]+/g); for (let i = 0; i < parts.length - 1; i++) { const k = parts[i]; if (o[k] === undefined || o[k] === null || typeof o[k] !== "object") o[k] = /^\\d+$/.test(parts[i + 1]) ? [] : {}; o = o[k]; } o[parts[parts.length - 1]] = v; };',
  ];
  for (const f of fields) lines.push(`set(${JSON.stringify(f.target)}, (${f.value}));`);
  lines.push('return out;');
  return lines.join('\n');
}

export const node = defineNode({
  ...definition,
  async run(ctx) {
    const config = ctx.config as MapConfig;
    let source: string;
    if (config.mode === 'fields') {
      source = generated.get(config) ?? fieldsSource(config.fields);
      generated.set(config, source);
    } else {
      source = config.source;
    }
    const output = await ctx.code.run(source);
    if (config.outputSchema !== undefined) {
      const problems = checkPayload(config.outputSchema, JSON.parse(output));
      if (problems.length > 0) {
        throw new DataError(
          'MAP_OUTPUT_INVALID',
          `the mapped payload does not match its schema: ${problems[0]!.pointer || '/'} ${problems[0]!.message}`,
          {
            details: { problems },
          },
        );
      }
    }
    return emitText('out', output, ctx.message.headers);
  },
});
