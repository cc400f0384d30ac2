/**
 * The `oyster-bot` command line: subcommands, help, and the exit-code contract. A startup
 * failure prints one line that says what to fix, and exits 2 for configuration, policy and
 * migration problems (things the operator must change) and 1 for anything else.
 */
import { asBotError } from './errors.js';
import type { CliCommand, CliIo } from './cli/command.js';
import { packageVersion } from './package-root.js';

/**
 * The subcommands, loaded on demand: `start` pulls in every platform SDK, which `assess`,
 * `cases` and `--help` have no use for (loading them all costs seconds on a small machine).
 */
const COMMANDS: Array<{ name: string; summary: string; load(): Promise<CliCommand> }> = [
  { name: 'start', summary: 'run the bot: every configured platform, or the console chat when none is', load: async () => (await import('./cli/start.js')).startCommand },
  { name: 'migrate', summary: 'apply database migrations (PostgreSQL at DATABASE_URL, else SQLite at OYSTER_DB_PATH) and exit', load: async () => (await import('./cli/migrate.js')).migrateCommand },
  { name: 'copy-store', summary: 'copy-store --from ./data/oyster-bot.db --to postgres://…: move a SQLite database into an empty PostgreSQL database', load: async () => (await import('./cli/copy-store.js')).copyStoreCommand },
  { name: 'assess', summary: 'assess suicide and self-harm risk for JSONL rows, offline unless --judge', load: async () => (await import('./cli/assess.js')).assessCommand },
  { name: 'cases', summary: 'list moderator cases and their alert delivery (--open: active only)', load: async () => (await import('./cli/cases.js')).casesCommand },
  { name: 'dashboard', summary: 'dashboard link <platform:userId>: print a one-time sign-in link to the moderator dashboard', load: async () => (await import('./cli/dashboard.js')).dashboardCommand },
  { name: 'doctor', summary: 'check configuration, policies, database, model and platforms, and say how to fix problems', load: async () => (await import('./cli/doctor.js')).doctorCommand },
];

/** A database that cannot be opened at start is the operator's to fix too (path, permissions, another process). */
const OPERATOR_ERRORS = new Set(['CONFIG_INVALID', 'POLICY_INVALID', 'MIGRATION_OUT_OF_SYNC', 'STORE_UNAVAILABLE']);

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: oyster-bot <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options: --version prints the version; --help prints this text.',
    '',
    'Configuration comes from the environment or a .env file; see .env.example.',
    'Run `oyster-bot <command> --help` for a command\'s options.',
  ].join('\n');
}

/**
 * `oyster-bot doctor | head -3` closes the pipe after three lines; the next write fails with
 * EPIPE, which as an unhandled stream error crashed the process with a stack trace. A reader
 * that has gone away wants no more output: further writes are dropped, the command finishes.
 */
function toleratePipeClose(stream: NodeJS.WritableStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

export async function main(argv: string[], io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }): Promise<number> {
  toleratePipeClose(io.stdout);
  const [name, ...args] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`oyster-bot ${packageVersion()}\n`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`oyster-bot: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(`${command.usage}\n`);
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    const e = asBotError(error);
    io.stderr.write(`oyster-bot ${name}: ${e.message}\n`);
    return OPERATOR_ERRORS.has(e.code) ? 2 : 1;
  }
}
