import { UsageError } from './args.ts';
import type { Io } from './io.ts';
import { deadLettersCommand, DEAD_LETTERS_USAGE, runsCommand, RUNS_USAGE } from './operations.ts';
import { packCommand, PACK_USAGE } from './pack.ts';
import { runCommand, RUN_USAGE } from './run.ts';
import { serveCommand, SERVE_USAGE } from './serve.ts';
import { testCommand, TEST_USAGE } from './test.ts';
import { validateCommand, VALIDATE_USAGE } from './validate.ts';

const USAGE = [
  'usage:',
  `  ${VALIDATE_USAGE}`,
  `  ${RUN_USAGE}`,
  `  ${TEST_USAGE}`,
  `  ${SERVE_USAGE}`,
  `  ${PACK_USAGE}`,
  `  ${RUNS_USAGE}`,
  `  ${DEAD_LETTERS_USAGE}`,
].join('\n');

/** Runs one CLI command and returns the exit code: 0 ok, 1 problems found, 2 bad usage. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate':
        return validateCommand(rest, io);
      case 'pack':
        return packCommand(rest, io);
      case 'run':
        return await runCommand(rest, io);
      case 'test':
        return await testCommand(rest, io);
      case 'serve':
        return await serveCommand(rest, io);
      case 'runs':
        return await runsCommand(rest, io);
      case 'dead-letters':
        return await deadLettersCommand(rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`millrace: ${e.message}`);
      return 2;
    }
    io.err(`millrace: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
}
