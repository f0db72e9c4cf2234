import { mainUsage } from './help.ts';

/** A subcommand: gets the words after its name, returns the exit code, or nothing when it runs until a signal. */
type Command = (argv: string[]) => Promise<number | void>;

// Loaded lazily so `gatehouse user ...` never pays for loading the whole stack `start` needs.
const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start/index.ts')).runStart,
  user: async () => (await import('./user/index.ts')).runUser,
  projections: async () => (await import('./projections/index.ts')).runProjections,
};

/** Entry of the `gatehouse` bin. */
export async function main(argv: string[]): Promise<number | void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? process.stderr : process.stdout).write(mainUsage);
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(`gatehouse: unknown command '${name}'\n\n${mainUsage}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (error) {
    process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
