/**
 * `oyster-bot doctor`: checks what `start` needs, without starting: the configuration (core
 * and each platform's variables), the policies, the database, the model endpoint and each
 * configured platform's API with its credentials. One line per check, ok or a problem with
 * how to fix it; exit 0 when everything passes, 1 otherwise. Secrets are never printed.
 */
import { loadConfig, withDotEnv, type Config, type Env } from '../config.js';
import { unknownVariableWarnings } from '../config-names.js';
import { checkDatabase, checkModel, checkModeratorSinks, checkPolicies, ok, problem, skipped, type Finding } from '../ops/doctor-checks.js';
import { probeDiscord, probeSlack, probeTelegram } from '../ops/platform-probes.js';
import { PLATFORM_CONFIG_READERS } from '../main.js';
import type { CliCommand } from './command.js';

const USAGE = `Usage: oyster-bot doctor [--timeout SECONDS]

Checks the configuration (.env and the environment), the policies, the database, the model
endpoint (OYSTER_BASE_URL serves OYSTER_MODEL) and every configured platform's API with its
token, and prints one line per check with how to fix any problem. Starts nothing.
  --timeout SECONDS  per network check (default 5)
Exit code: 0 when every check passes, 1 when any fails.`;

interface Platform {
  name: 'telegram' | 'slack' | 'discord';
  variable: string;
  read(env: Env): unknown;
  probe(config: never, timeoutMs: number): Promise<Finding>;
}

const PLATFORMS: Platform[] = [
  { name: 'telegram', variable: 'TELEGRAM_BOT_TOKEN', read: PLATFORM_CONFIG_READERS.telegram, probe: probeTelegram },
  { name: 'slack', variable: 'SLACK_BOT_TOKEN', read: PLATFORM_CONFIG_READERS.slack, probe: probeSlack },
  { name: 'discord', variable: 'DISCORD_BOT_TOKEN', read: PLATFORM_CONFIG_READERS.discord, probe: probeDiscord },
];

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function line(f: Finding): string {
  const mark = f.status === 'ok' ? 'ok     ' : f.status === 'skipped' ? 'skip   ' : 'PROBLEM';
  return `${mark}  ${f.name}: ${f.detail}${f.fix ? `. Fix: ${f.fix}` : ''}\n`;
}

function parseTimeout(args: string[]): number {
  const i = args.indexOf('--timeout');
  if (i === -1) return 5_000;
  const seconds = Number(args[i + 1]);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 120) throw new Error('--timeout expects seconds from 1 to 120');
  return seconds * 1_000;
}

export const doctorCommand: CliCommand = {
  name: 'doctor',
  usage: USAGE,
  async run(args, io) {
    let timeoutMs: number;
    try {
      timeoutMs = parseTimeout(args);
    } catch (error) {
      io.stderr.write(`${message(error)}\n\n${USAGE}\n`);
      return 2;
    }
    const findings: Finding[] = [];
    const report = (f: Finding) => {
      findings.push(f);
      io.stdout.write(line(f));
    };

    const env = withDotEnv(io.env);
    for (const warning of unknownVariableWarnings(env)) {
      report(problem('configuration', warning, 'rename or remove it (see .env.example)'));
    }
    let config: Config | undefined;
    try {
      config = loadConfig(env);
      report(ok('configuration', 'core settings are valid'));
    } catch (error) {
      // The message names the variable and what it expects.
      report(problem('configuration', message(error), 'correct that variable in .env or the environment (see .env.example)'));
    }

    const platforms: Array<{ platform: Platform; config: unknown }> = [];
    for (const platform of PLATFORMS) {
      try {
        const parsed = platform.read(env);
        if (parsed === undefined) report(skipped(`${platform.name} config`, `not configured (${platform.variable} unset)`));
        else {
          platforms.push({ platform, config: parsed });
          report(ok(`${platform.name} config`, 'variables are valid'));
        }
      } catch (error) {
        report(problem(`${platform.name} config`, message(error), 'correct that variable (see .env.example)'));
      }
    }

    if (config) {
      for (const f of checkPolicies(config)) report(f);
      // PostgreSQL when DATABASE_URL is set, as start would use it; the pg driver loads only then.
      report(config.DATABASE_URL
        ? await (await import('../ops/doctor-postgres.js')).checkPostgres(config.DATABASE_URL, timeoutMs)
        : checkDatabase(config));
      report(checkModeratorSinks(env));
    } else {
      report(skipped('policies and database', 'fix the configuration first'));
    }

    // Network checks run side by side; lines still print in a fixed order.
    const remote = await Promise.all([
      config ? checkModel(config, timeoutMs) : Promise.resolve(skipped('model endpoint', 'fix the configuration first')),
      ...platforms.map(({ platform, config: c }) => platform.probe(c as never, timeoutMs)),
    ]);
    for (const f of remote) report(f);
    if (platforms.length === 0 && config) {
      report(config.OYSTER_CONSOLE === 'off'
        ? problem('platforms', 'none configured and OYSTER_CONSOLE=off: start would have nothing to run', 'set a platform token (see .env.example) or OYSTER_CONSOLE=auto')
        : ok('platforms', 'none configured: start runs the console chat'));
    }

    const problems = findings.filter((f) => f.status === 'problem').length;
    io.stdout.write(problems === 0
      ? `\nAll ${findings.filter((f) => f.status === 'ok').length} checks passed.\n`
      : `\n${problems} problem${problems === 1 ? '' : 's'} found.\n`);
    return problems === 0 ? 0 : 1;
  },
};
