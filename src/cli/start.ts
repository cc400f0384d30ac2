/**
 * `oyster-bot start` (what `npm start` runs): validates the configuration and policies,
 * opens the database, starts every configured adapter (the console chat when none is), and
 * shuts down gracefully on SIGTERM/SIGINT. With piped stdin the console answers every line
 * and the process exits 0 after the last answer. With METRICS_PORT set it also serves
 * /healthz, /readyz and /metrics (src/ops/http-server.ts).
 *
 * Graceful stop, in order: /readyz turns 503, adapters stop taking messages, messages in
 * flight finish (their answers are sent and stored), due alerts get one more delivery pass
 * (undelivered ones stay in the outbox for the next start), the database closes, exit 0.
 */
import { createWriteStream, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig, withDotEnv } from '../config.js';
import { unknownVariableWarnings } from '../config-names.js';
import { BotError } from '../errors.js';
import { createModelProbe } from '../llm/model-probe.js';
import { createLogger } from '../logger.js';
import { adaptersFromConfig, createBot, runsConsole } from '../main.js';
import { startOpsServer, type OpsServer } from '../ops/http-server.js';
import { createMetrics } from '../ops/metrics.js';
import { readinessChecks } from '../ops/readiness.js';
import type { CliCommand } from './command.js';
import { stdinKind, type StdinKind } from './stdin-kind.js';

/**
 * Exit 2 instead of a silent exit 0 when start would have nothing to do: no platform token,
 * and a console chat with neither a terminal nor piped input (a service manager's /dev/null).
 */
function checkSomethingToRun(adapterCount: number, consoleOnly: boolean, input: StdinKind): void {
  const tokens = 'TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN or DISCORD_BOT_TOKEN';
  if (adapterCount === 0) {
    throw new BotError(`nothing to run: no platform token is set (${tokens}) and OYSTER_CONSOLE=off; set a token (see .env.example)`, 'CONFIG_INVALID');
  }
  if (consoleOnly && adapterCount === 1 && input === 'none') {
    throw new BotError(
      `nothing to run: no platform token is set (${tokens}), and the console chat needs a terminal or piped input; ` +
        'set a token (see .env.example), or run it in a terminal',
      'CONFIG_INVALID',
    );
  }
}

/** The log file for an interactive console, or undefined (logs stay on stderr) when it cannot be opened. */
function openLogFile(path: string): { path: string; stream: NodeJS.WritableStream } | undefined {
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    const fd = openSync(path, 'a', 0o600);
    return { path, stream: createWriteStream(path, { fd }) };
  } catch {
    return undefined;
  }
}

export const startCommand: CliCommand = {
  name: 'start',
  usage: [
    'oyster-bot start',
    '',
    'Runs every platform adapter whose credentials are set (TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN,',
    'DISCORD_BOT_TOKEN) and the console chat when none is. See .env.example for every variable.',
  ].join('\n'),
  async run(_args, io) {
    const env = withDotEnv(io.env);
    // A misspelled variable is named before anything else, so the reason for what follows
    // (the console chat instead of Telegram, say) is on screen.
    for (const warning of unknownVariableWarnings(env)) io.stderr.write(`oyster-bot: ${warning}\n`);
    const config = loadConfig(env);
    const input = stdinKind(io.stdin);
    // Logs go to stderr so stdout carries only the conversation; in a terminal chat they go to
    // a file instead, or JSON lines would land between the chat lines.
    const logFile = input === 'tty' && (io.stdout as { isTTY?: boolean }).isTTY && runsConsole(config) ? openLogFile(config.OYSTER_LOG_FILE) : undefined;
    const logger = createLogger({ level: config.LOG_LEVEL, destination: logFile?.stream ?? io.stderr });
    const { adapters, console: consoleChat } = await adaptersFromConfig(config, { input: io.stdin, output: io.stdout, ...(logFile ? { logFile: logFile.path } : {}) }, logger);
    checkSomethingToRun(adapters.length, consoleChat !== undefined, input);
    const metrics = config.METRICS_PORT !== undefined ? createMetrics() : undefined;
    const bot = await createBot({ config, adapters, logger, ...(metrics ? { metrics } : {}) });

    // Up before the adapters start, so liveness answers during startup and readiness says why not yet.
    let ops: OpsServer | undefined;
    if (metrics && config.METRICS_PORT !== undefined) {
      const model = createModelProbe({ baseURL: config.OYSTER_BASE_URL, apiKey: config.OYSTER_API_KEY });
      try {
        ops = await startOpsServer({
          host: config.METRICS_HOST,
          port: config.METRICS_PORT,
          metrics,
          checks: readinessChecks({ database: bot.store, adapters: () => bot.adapterStatus(), model, casesInMemoryOnly: () => bot.casesInMemoryOnly() }),
          logger: logger.child({ part: 'ops' }),
        });
      } catch (error) {
        await bot.stop();
        throw error;
      }
    }

    let stopping: Promise<void> | undefined;
    const stop = (why: string) => {
      stopping ??= (async () => {
        logger.info('shutting down', { why });
        ops?.draining();
        await bot.stop();
        await ops?.close();
        logger.info('stopped', { why });
      })();
      return stopping;
    };
    const onSignal = (signal: NodeJS.Signals) => void stop(signal).then(() => process.exit(0));
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);

    try {
      await bot.start();
    } catch (error) {
      // A listening socket would keep the process alive after the error is reported.
      await ops?.close();
      throw error;
    }
    logger.info('oyster-bot started', { platforms: adapters.map((a) => a.platform), policyVersion: bot.policyVersion });

    if (consoleChat && adapters.length === 1) {
      // Console only: the session ends when stdin closes and every line is answered.
      await consoleChat.finished;
      await stop('stdin closed');
      return 0;
    }
    await new Promise<void>(() => undefined); // run until a signal
    return 0;
  },
};
