/**
 * `oyster-bot start` (what `npm start` runs): validates the configuration and policies,
 * opens the database, starts every configured adapter (the console chat when none is), and
 * shuts down gracefully on SIGTERM/SIGINT. With piped stdin the console answers every line
 * and the process exits 0 after the last answer.
 */
import { loadConfig, withDotEnv } from '../config.js';
import { createLogger } from '../logger.js';
import { adaptersFromConfig, createBot } from '../main.js';
import type { CliCommand } from './command.js';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'run the bot: every configured platform, or the console chat when none is',
  usage: [
    'oyster-bot start',
    '',
    'Runs every platform adapter whose credentials are set (TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN,',
    'DISCORD_BOT_TOKEN) and the console chat when none is. See .env.example for every variable.',
  ].join('\n'),
  async run(_args, io) {
    const config = loadConfig(withDotEnv(io.env));
    // Logs go to stderr so stdout carries only the conversation.
    const logger = createLogger({ level: config.LOG_LEVEL, destination: io.stderr });
    const { adapters, console: consoleChat } = adaptersFromConfig(config, { input: io.stdin, output: io.stdout }, logger);
    const bot = await createBot({ config, adapters, logger });

    let stopping: Promise<void> | undefined;
    const stop = (why: string) => {
      stopping ??= (async () => {
        logger.info('shutting down', { why });
        await bot.stop();
      })();
      return stopping;
    };
    const onSignal = (signal: NodeJS.Signals) => void stop(signal).then(() => process.exit(0));
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);

    await bot.start();
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
