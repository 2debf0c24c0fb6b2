import { UsageError } from './args.ts';
import type { Io } from './io.ts';
import { packCommand, PACK_USAGE } from './pack.ts';
import { validateCommand, VALIDATE_USAGE } from './validate.ts';

const USAGE = ['usage:', `  ${VALIDATE_USAGE}`, `  ${PACK_USAGE}`].join('\n');

/** Runs one CLI command and returns the exit code: 0 ok, 1 problems found, 2 bad usage. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'validate':
        return validateCommand(rest, io);
      case 'pack':
        return packCommand(rest, io);
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
