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
import { loadConfig, withDotEnv } from '../config.js';
import { createModelProbe } from '../llm/model-probe.js';
import { loadTokenizer } from '../llm/tokens.js';
import { createLogger } from '../logger.js';
import { adaptersFromConfig, createBot } from '../main.js';
import { startOpsServer, type OpsServer } from '../ops/http-server.js';
import { createMetrics } from '../ops/metrics.js';
import { readinessChecks } from '../ops/readiness.js';
import type { CliCommand } from './command.js';

/** Long enough for a first message (or a whole piped session) to be answered before the load. */
const TOKENIZER_PRELOAD_DELAY_MS = 1_500;

export const startCommand: CliCommand = {
  name: 'start',
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
          checks: readinessChecks({ database: bot.store, adapters: () => bot.adapterStatus(), model }),
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
    // The exact tokenizer (1-2 s of CPU) loads shortly after start, off the start path: the
    // first answers don't wait for it; counts meanwhile are safe upper bounds (llm/tokens.ts).
    const preload = setTimeout(() => void loadTokenizer().catch(() => logger.warn('tokenizer failed to load; token counts stay upper bounds')), TOKENIZER_PRELOAD_DELAY_MS);
    preload.unref();

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
