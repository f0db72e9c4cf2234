import { UsageError } from '../errors.ts';
import { projectionsUsage } from '../help.ts';

export type ProjectionsCommand = { action: 'rebuild'; name: string } | { action: 'help' };

/** Parses the words after `gatehouse projections`. */
export function parseProjectionsArgs(argv: string[]): ProjectionsCommand {
  if (argv.includes('--help') || argv.includes('-h')) return { action: 'help' };
  const [action, ...operands] = argv;
  if (action !== 'rebuild') throw new UsageError(action === undefined ? 'missing action' : `unknown action '${action}'`, projectionsUsage);
  if (operands.length !== 1 || operands[0]!.startsWith('-')) throw new UsageError('projections rebuild takes exactly one projection name', projectionsUsage);
  return { action, name: operands[0]! };
}
