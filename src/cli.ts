/**
 * The `oyster-bot` command line: subcommands, help, and the exit-code contract. A startup
 * failure prints one line that says what to fix, and exits 2 for configuration, policy and
 * migration problems (things the operator must change) and 1 for anything else.
 */
import { BotError, asBotError } from './errors.js';
import type { CliCommand, CliIo } from './cli/command.js';
import { migrateCommand } from './cli/migrate.js';
import { startCommand } from './cli/start.js';
import { assessCommand } from './cli/assess.js';
import { casesCommand } from './cli/cases.js';
import { doctorCommand } from './cli/doctor.js';

const COMMANDS: CliCommand[] = [startCommand, migrateCommand, assessCommand, casesCommand, doctorCommand];

const OPERATOR_ERRORS = new Set(['CONFIG_INVALID', 'POLICY_INVALID', 'MIGRATION_OUT_OF_SYNC']);

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: oyster-bot <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from the environment or a .env file; see .env.example.',
    'Run `oyster-bot <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`oyster-bot: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const e = asBotError(error);
    io.stderr.write(`oyster-bot ${name}: ${e instanceof BotError && e.code !== 'UNKNOWN' ? e.message : String(e.message)}\n`);
    return OPERATOR_ERRORS.has(e.code) ? 2 : 1;
  }
}
