/**
 * The composition root: the only place that knows every concrete part. It validates the
 * policies, opens the store (applying migrations), builds the risk assessor, the crisis
 * services, the model client and the engine, and connects them to the adapters. Tests build
 * the same graph with fakes passed in. The parts are built in src/bot-parts.ts, so createBot
 * below is plain wiring; only this file imports adapters/ (test/foundation/architecture.test.ts).
 */
import { resolve } from 'node:path';
import type { Config } from './config.js';
import type { ConsoleAdapter } from '../adapters/console/index.js';
import { CONSOLE_PLATFORM } from '../adapters/console/inbound.js';
import { discordConfigFromEnv } from '../adapters/discord/config.js';
import { slackConfigFromEnv } from '../adapters/slack/config.js';
import { telegramConfigFromEnv } from '../adapters/telegram/config.js';
import type { Dashboard } from './dashboard/index.js';
import type { OutboxMetrics, OutboxWorker } from './crisis/outbox.js';
import { createCrisisServices } from './crisis/services.js';
import { Engine, type EngineMetrics, type ReplyChannel } from './engine.js';
import { describeConnection } from './platform-start.js';
import { createLifecycle } from './lifecycle.js';
import { createHandlersFor } from './bot-handlers.js';
import { createTakeover } from './takeover.js';
import { createQwenTokenCounter, type TokenCounter } from './llm/tokens.js';
import { createLogger, type Logger } from './logger.js';
import { countDeliveries } from './ops/metrics.js';
import type { BotHandlers, Clock, LlmClient, ModeratorSink, PlatformAdapter } from './ports.js';
import { systemClock } from './ports.js';
import type { CaseStore } from './store/case-store.js';
import { openStores, type BotMessageStore } from './open-stores.js';
import type { StoreFault } from './store/sqlite/store-health.js';
import { createRetention } from './store/retention.js';
import {
  alertSinks, caseLinks, commandHandler, engineSettings, loadPolicies, logStart, modelClient, openDashboard, riskAssessor, warmUp, watchStoreHealth,
} from './bot-parts.js';

export interface BotOptions {
  config: Config;
  adapters?: PlatformAdapter[];
  /** Defaults to the Oyster-1 client built from the config. */
  llm?: LlmClient;
  /** Extra alert sinks (tests); adapters' moderator channels and the webhook are added automatically. */
  sinks?: ModeratorSink[];
  clock?: Clock;
  logger?: Logger;
  /** Engine counters, plus the outbox gauges when present (src/ops/metrics.ts implements both). */
  metrics?: EngineMetrics & { outbox?(stats: OutboxMetrics): void };
  /** Prompt token counts; a fresh Qwen3 counter by default (tests pass one to see when it loads). */
  tokens?: TokenCounter;
}

export interface Bot {
  /** The database's current fault (busy, full, read-only, corrupt), if any: /readyz. */
  storeFault(): StoreFault | undefined;
  /** Cases waiting in the journal for the database to come back. */
  journaledCases(): number;
  /** Journaled cases that are in memory only (not even the journal file could take them). */
  casesInMemoryOnly(): number;
  readonly engine: Engine;
  readonly store: BotMessageStore;
  readonly cases: CaseStore;
  readonly outbox: OutboxWorker;
  readonly policyVersion: string;
  /** The moderator dashboard, when DASHBOARD_PORT is set. */
  readonly dashboard: Dashboard | undefined;
  /** The handlers an adapter (or a test standing in for one) calls, replying through `channel`. */
  handlersFor(channel: ReplyChannel): BotHandlers;
  start(): Promise<void>;
  /** Stops intake, lets in-flight messages finish, stops the outbox, closes the database. */
  stop(): Promise<void>;
  /** Delivers every due alert now (tests, shutdown). */
  drainAlerts(): Promise<void>;
  /** Retries every due undelivered resource message now (tests); resolves with the number delivered. */
  drainResources(): Promise<number>;
  /** Each adapter and whether its start() has finished (and stop() not begun): /readyz. */
  adapterStatus(): Array<{ platform: string; started: boolean }>;
}

/** Each platform's own config reader (undefined when its token is unset; throws on a wrong value). */
export const PLATFORM_CONFIG_READERS = {
  telegram: telegramConfigFromEnv,
  slack: slackConfigFromEnv,
  discord: discordConfigFromEnv,
} as const;

export interface ConfiguredAdapters {
  adapters: PlatformAdapter[];
  /** Present when the console chat runs (no platform configured, or OYSTER_CONSOLE=on). */
  console: ConsoleAdapter | undefined;
}

/**
 * Every platform adapter whose credentials are configured (several can run in one process),
 * and the console chat when none is. Each adapter validates its own variables. An adapter's
 * module (and its SDK) is imported only when that platform is configured: discord.js alone
 * is about 0.3 s of start-up and 48 MB of memory that a Slack or console bot never uses.
 */
export async function adaptersFromConfig(
  config: Config,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; logFile?: string },
  logger: Logger,
): Promise<ConfiguredAdapters> {
  const adapters: PlatformAdapter[] = [];
  // The target names, in words, what the adapter's start waits for.
  const telegram = telegramConfigFromEnv(config.env);
  const slack = slackConfigFromEnv(config.env);
  const discord = discordConfigFromEnv(config.env);
  if (telegram) {
    const { createTelegramAdapter } = await import('../adapters/telegram/index.js');
    adapters.push(describeConnection(createTelegramAdapter(telegram, { logger: logger.child({ platform: 'telegram' }) }),
      `the Telegram Bot API at ${telegram.apiRoot ?? 'https://api.telegram.org'} (getMe)`));
  }
  if (slack) {
    const { createSlackAdapter } = await import('../adapters/slack/index.js');
    adapters.push(describeConnection(createSlackAdapter(slack, { logger: logger.child({ platform: 'slack' }) }),
      `Slack's Web API at ${slack.apiUrl ?? 'https://slack.com/api/'} (auth.test${slack.mode === 'socket' ? ', then the Socket Mode connection' : ''})`));
  }
  if (discord) {
    const { createDiscordAdapter } = await import('../adapters/discord/index.js');
    adapters.push(describeConnection(createDiscordAdapter(discord, { logger: logger.child({ platform: 'discord' }) }),
      `Discord's API at ${discord.apiUrl ?? 'https://discord.com/api'} and its gateway (login)`));
  }
  const wantConsole = config.OYSTER_CONSOLE === 'on' || (config.OYSTER_CONSOLE === 'auto' && adapters.length === 0);
  const { createConsoleAdapter } = wantConsole ? await import('../adapters/console/index.js') : { createConsoleAdapter: undefined };
  const consoleAdapter = createConsoleAdapter
    ? createConsoleAdapter({
      input: io.input, output: io.output, moderator: config.MODERATOR_IDS.includes(CONSOLE_MODERATOR_ID),
      ...(io.logFile ? { logFile: io.logFile } : {}),
    })
    : undefined;
  if (consoleAdapter) adapters.push(consoleAdapter);
  return { adapters, console: consoleAdapter };
}

/** MODERATOR_IDS entry that makes the console user a moderator. */
const CONSOLE_MODERATOR_ID = 'console:local';

/** Whether start will run the console chat (no platform configured, or OYSTER_CONSOLE=on). */
export function runsConsole(config: Config): boolean {
  if (config.OYSTER_CONSOLE === 'on') return true;
  if (config.OYSTER_CONSOLE === 'off') return false;
  return !Object.values(PLATFORM_CONFIG_READERS).some((read) => read(config.env) !== undefined);
}

export async function createBot(options: BotOptions): Promise<Bot> {
  const { config, metrics } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const adapters = options.adapters ?? [];
  const policyDir = resolve(config.OYSTER_POLICY_DIR);
  const policies = loadPolicies(policyDir, config);
  const llm = options.llm ?? modelClient(config, policies);
  const risk = riskAssessor(config, policies, policyDir, llm, logger);

  // SQLite at OYSTER_DB_PATH, or PostgreSQL when DATABASE_URL is set (several instances).
  const stores = await openStores(config);
  const store = stores.messages;
  const cases = stores.cases;

  // Before the outbox can post (it sends a dead run's alerts before the adapters start).
  for (const adapter of adapters) adapter.useSendLedger?.(stores.ledger);
  const sinks = alertSinks(config, adapters, options.sinks ?? [], clock, logger);
  const moderators = { ids: config.MODERATOR_IDS, roleIds: config.MODERATOR_ROLE_IDS };
  const crisis = createCrisisServices({
    store, cases, risk, moderators, clock, logger, policyDir, textLocales: policies.model.textLocales(),
    journalPath: config.OYSTER_DB_PATH === ':memory:' ? undefined : `${config.OYSTER_DB_PATH}.pending-cases.jsonl`,
    policy: policies.escalation, directory: policies.directory,
    checkOutput: policies.checkOutput, defaultCountry: config.CRISIS_DEFAULT_COUNTRY, policyVersion: policies.version,
    sinks: metrics ? sinks.map((s) => countDeliveries(s, metrics)) : sinks,
    deliveries: stores.deliveries, channelFor: (platform) => adapters.find((a) => a.platform === platform),
    ...caseLinks(config),
    ...(metrics ? { metrics } : {}),
    ...(metrics?.outbox ? { onOutboxMetrics: (stats: OutboxMetrics) => metrics.outbox!(stats) } : {}),
  });

  watchStoreHealth(stores, crisis.journal, logger);

  const engine = new Engine({
    store, risk, llm, crisis: crisis.responder, threshold: policies.escalation.threshold, locale: crisis.locale, clock, logger,
    tokens: options.tokens ?? createQwenTokenCounter(), policy: policies.model, ...engineSettings(config, policies, stores),
    ...(metrics ? { metrics } : {}),
  });
  const dashboard = await openDashboard(config, policies, stores, crisis, { adapters, moderators, clock, logger });
  const onCommand = commandHandler(policies, stores, crisis, dashboard, logger, moderators);
  const handlersFor = createHandlersFor({
    engine, onCommand, notes: (tag) => policies.model.texts(tag ?? 'en'), shared: stores.shared, leases: stores.leases, instanceId: stores.instanceId, clock,
  });
  const retention = createRetention({
    store, cases, clock, logger, messageDays: config.RETENTION_DAYS, caseDays: policies.escalation.caseRetentionDays,
  });
  const lifecycle = createLifecycle({
    adapters, handlersFor, engine, outbox: crisis.outbox, deliveries: crisis.deliveries, dashboard, retention, logger,
    warmUp: () => warmUp(policies, risk, config, logger),
    warmUpWhenIdle: adapters.length > 0 && adapters.every((a) => a.platform === CONSOLE_PLATFORM),
    closeStore: async () => { crisis.journal.stop(); await stores.close(); },
    connectTimeoutMs: config.OYSTER_CONNECT_TIMEOUT_MS,
  });

  logStart(policies, stores, logger);
  // Several instances (PostgreSQL): a survivor takes over a dead instance's unfinished messages.
  const takeover = createTakeover({ engine, adapters, adapterStatus: () => lifecycle.adapterStatus(), enabled: stores.dialect === 'postgres' });
  return {
    engine, store, cases, outbox: crisis.outbox, dashboard, policyVersion: policies.version, handlersFor,
    storeFault: () => stores.health?.fault,
    journaledCases: () => crisis.journal.size,
    casesInMemoryOnly: () => crisis.journal.memoryOnly,
    ...lifecycle,
    async start() {
      await lifecycle.start();
      takeover.start();
    },
    async stop() {
      takeover.stop();
      await lifecycle.stop();
    },
    drainAlerts: async () => { await crisis.outbox.drainOnce(); },
    drainResources: () => crisis.deliveries.drainOnce(),
  };
}
