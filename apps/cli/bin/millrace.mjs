#!/usr/bin/env node
// The millrace CLI. Sources are TypeScript, loaded through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main, processIo } = await import('../src/index.ts');
process.exitCode = await main(process.argv.slice(2), processIo);
