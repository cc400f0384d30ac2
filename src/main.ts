/**
 * The composition root: the only place that knows every concrete part. It validates the
 * policies, opens the store (applying migrations), builds the risk assessor, the crisis
 * services, the model client and the engine, and connects them to the adapters. Tests build
 * the same graph with fakes passed in.
 */
import { resolve } from 'node:path';
import type { Config } from './config.js';
import { createConsoleAdapter, type ConsoleAdapter } from '../adapters/console/index.js';
import { discordConfigFromEnv } from '../adapters/discord/config.js';
import { createDiscordAdapter } from '../adapters/discord/index.js';
import { slackConfigFromEnv } from '../adapters/slack/config.js';
import { createSlackAdapter } from '../adapters/slack/index.js';
import { telegramConfigFromEnv } from '../adapters/telegram/config.js';
import { createTelegramAdapter } from '../adapters/telegram/index.js';
import { createCommandHandler } from './commands.js';
import { BotError } from './errors.js';
import { createCountryCommand } from './crisis/country.js';
import { dashboardFromEnv, type Dashboard } from './dashboard/index.js';
import { loadDirectory, type RenderRequest } from './crisis/directory.js';
import { createEscalation, RISK_RESET_PREFERENCE } from './crisis/escalation.js';
import { createLogSink, hasModeratorSink } from './crisis/log-sink.js';
import { createModeration } from './crisis/moderation.js';
import { createOutboxWorker, type OutboxMetrics, type OutboxWorker } from './crisis/outbox.js';
import { createOutputCheck } from './crisis/output-check.js';
import { createLocaleChooser } from './crisis/locale.js';
import { createCrisisResponder } from './crisis/responder.js';
import { createResourceDelivery } from './crisis/resource-delivery.js';
import { SqliteResourceDeliveries } from './store/sqlite/sqlite-resource-deliveries.js';
import { withDedupe } from './crisis/sink-dedupe.js';
import { createWebhookSink } from './crisis/webhook-sink.js';
import { Engine, type EngineMetrics, type ReplyChannel } from './engine.js';
import { createOpenAiClient } from './llm/openai-client.js';
import { connectionTarget, describeConnection, startPlatform } from './platform-start.js';
import { createQwenTokenCounter } from './llm/tokens.js';
import { createLogger, type Logger } from './logger.js';
import { countDeliveries } from './ops/metrics.js';
import { RateLimiter } from './conversation/rate-limit.js';
import type { BotHandlers, Clock, CommandRequest, LlmClient, ModeratorSink, PlatformAdapter } from './ports.js';
import { systemClock } from './ports.js';
import { loadEscalationPolicy } from './policy/escalation-policy.js';
import { loadModelPolicy } from './policy/model-policy.js';
import { policyVersion as hashPolicies } from './policy/version.js';
import { createRiskAssessor } from './risk/assessor.js';
import type { CaseStore } from './store/case-store.js';
import { openDatabase, startCheckpoints } from './store/sqlite/database.js';
import { SqliteCaseStore } from './store/sqlite/sqlite-cases.js';
import { SqliteMessageStore } from './store/sqlite/sqlite-store.js';

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
}

export interface Bot {
  readonly engine: Engine;
  readonly store: SqliteMessageStore;
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
 * and the console chat when none is. Each adapter validates its own variables.
 */
export function adaptersFromConfig(
  config: Config,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
  logger: Logger,
): ConfiguredAdapters {
  const adapters: PlatformAdapter[] = [];
  // The target names, in words, what the adapter's start waits for.
  const telegram = telegramConfigFromEnv(config.env);
  if (telegram) {
    adapters.push(describeConnection(createTelegramAdapter(telegram, { logger: logger.child({ platform: 'telegram' }) }),
      `the Telegram Bot API at ${telegram.apiRoot ?? 'https://api.telegram.org'} (getMe)`));
  }
  const slack = slackConfigFromEnv(config.env);
  if (slack) {
    adapters.push(describeConnection(createSlackAdapter(slack, { logger: logger.child({ platform: 'slack' }) }),
      `Slack's Web API at ${slack.apiUrl ?? 'https://slack.com/api/'} (auth.test${slack.mode === 'socket' ? ', then the Socket Mode connection' : ''})`));
  }
  const discord = discordConfigFromEnv(config.env);
  if (discord) {
    adapters.push(describeConnection(createDiscordAdapter(discord, { logger: logger.child({ platform: 'discord' }) }),
      `Discord's API at ${discord.apiUrl ?? 'https://discord.com/api'} and its gateway (login)`));
  }
  const wantConsole = config.OYSTER_CONSOLE === 'on' || (config.OYSTER_CONSOLE === 'auto' && adapters.length === 0);
  const consoleAdapter = wantConsole ? createConsoleAdapter({ input: io.input, output: io.output }) : undefined;
  if (consoleAdapter) adapters.push(consoleAdapter);
  return { adapters, console: consoleAdapter };
}

/** A wrapper that counts single deliveries keeps the wrapped sink's digest delivery (digests are not counted). */
function withDigest(wrapper: ModeratorSink, inner: ModeratorSink): ModeratorSink {
  return inner.deliverDigest ? { ...wrapper, deliverDigest: inner.deliverDigest.bind(inner) } : wrapper;
}

/**
 * A default country without a directory entry would send people in crisis to the global
 * fallback while the operator believes their country is covered: refuse it at start.
 */
function checkDefaultCountry(country: string | undefined, directory: { has(c: string): boolean; countries(): string[] }): void {
  if (country && !directory.has(country)) {
    throw new BotError(
      `CRISIS_DEFAULT_COUNTRY is invalid: ${country} has no entry in the crisis directory (listed: ${directory.countries().join(', ')}); ` +
        'set a listed country, or unset it so people are asked',
      'CONFIG_INVALID',
    );
  }
}

const HOUR_MS = 3_600_000;
/** WAL checkpoints run on this timer rather than inside a message's commit. */
const CHECKPOINT_INTERVAL_MS = 2_000;
/** Longer than every platform's redelivery window (Telegram and Slack: 24 h). */
const DEDUPE_KEEP_MS = 48 * HOUR_MS;

export async function createBot(options: BotOptions): Promise<Bot> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const adapters = options.adapters ?? [];
  const policyDir = resolve(config.OYSTER_POLICY_DIR);

  // Policies first: an invalid policy stops startup before anything touches the database.
  const version = hashPolicies(policyDir);
  const modelPolicy = loadModelPolicy(policyDir);
  const escalationPolicy = loadEscalationPolicy(policyDir);
  const directory = loadDirectory(policyDir);
  checkDefaultCountry(config.CRISIS_DEFAULT_COUNTRY, directory);
  const checkOutput = createOutputCheck(policyDir, directory);

  const llm = options.llm ?? createOpenAiClient({
    baseURL: config.OYSTER_BASE_URL,
    model: config.OYSTER_MODEL,
    apiKey: config.OYSTER_API_KEY,
    timeoutMs: config.OYSTER_TIMEOUT_MS,
    maxRetries: config.OYSTER_MAX_RETRIES,
    sampling: modelPolicy.sampling,
    cacheSalt: config.OYSTER_CACHE_SALT,
  });
  const risk = createRiskAssessor({
    policyDir,
    policyVersion: version,
    logger: logger.child({ part: 'risk' }),
    judgeTimeoutMs: config.RISK_JUDGE_TIMEOUT_MS,
    ...(config.RISK_JUDGE === 'model' ? { llm } : {}),
  });

  const db = openDatabase(config.OYSTER_DB_PATH, { busyTimeoutMs: config.SQLITE_BUSY_TIMEOUT_MS, manualCheckpoints: true });
  const stopCheckpoints = startCheckpoints(db, CHECKPOINT_INTERVAL_MS);
  const store = new SqliteMessageStore(db);
  const cases = new SqliteCaseStore(db);

  const sinks: ModeratorSink[] = [createLogSink(logger.child({ part: 'alerts' }))];
  for (const adapter of adapters) if (adapter.moderatorSink) sinks.push(withDedupe(adapter.moderatorSink));
  if (config.MODERATOR_WEBHOOK_URL && config.MODERATOR_WEBHOOK_SECRET) {
    sinks.push(createWebhookSink({ url: config.MODERATOR_WEBHOOK_URL, secret: config.MODERATOR_WEBHOOK_SECRET, clock }));
  }
  sinks.push(...(options.sinks ?? []));

  const metrics = options.metrics;
  const outbox = createOutboxWorker({
    cases, policy: escalationPolicy, clock, logger: logger.child({ part: 'outbox' }),
    sinks: metrics ? sinks.map((s) => withDigest(countDeliveries(s, metrics), s)) : sinks,
    ...(metrics?.outbox ? { onMetrics: (stats: OutboxMetrics) => metrics.outbox!(stats) } : {}),
  });
  const kick = () => outbox.kick();
  const moderators = { ids: config.MODERATOR_IDS, roleIds: config.MODERATOR_ROLE_IDS };
  const escalation = createEscalation({
    cases, messages: store, sinks: sinks.map((s) => s.name), policy: escalationPolicy, clock,
    logger: logger.child({ part: 'escalation' }), defaultCountry: config.CRISIS_DEFAULT_COUNTRY, onAlertsWritten: kick,
  });
  const moderation = createModeration({
    cases, moderators, clock, logger: logger.child({ part: 'moderation' }), policyVersion: version,
    updateSinks: sinks.filter((s) => !adapters.some((a) => a.moderatorSink?.name === s.name)).map((s) => s.name),
    onAlertsWritten: kick,
    // A false positive must not keep colouring the person's next messages (issue 12 item 7).
    onResolved: async (c, at) => {
      if (c.outcome === 'false_positive') await store.setPreference(c.userKey, RISK_RESET_PREFERENCE, at.toISOString());
    },
    ...(metrics ? { onCaseAction: (action: string, level: string) => metrics.count('case_actions_total', { action, level }) } : {}),
  });
  const country = createCountryCommand({
    messages: store, moderators, isKnownCountry: (c) => directory.has(c), defaultCountry: config.CRISIS_DEFAULT_COUNTRY, logger,
  });

  const locale = createLocaleChooser({
    policyDir, templateLocales: directory.locales(), textLocales: modelPolicy.textLocales(), preference: (o, n) => store.preference(o, n),
    country: async (userKey, communityKey) => (await escalation.resolveCountry({ userKey, communityKey })).country,
    defaultCountry: config.CRISIS_DEFAULT_COUNTRY,
  });
  // The texts promise a moderator only when a sink other than the log can reach one (issue 12 item 6).
  const moderatorsReachable = hasModeratorSink(sinks.map((s) => s.name));
  const renderResources = (request: RenderRequest) => directory.render({ ...request, moderators: moderatorsReachable });
  // Crisis resources go through a durable queue: sent when the platform confirms, retried until then.
  const deliveries = createResourceDelivery({
    store: new SqliteResourceDeliveries(db),
    render: renderResources,
    channelFor: (platform) => adapters.find((a) => a.platform === platform),
    sinks: sinks.map((s) => s.name),
    retry: { baseMs: escalationPolicy.resourceDelivery.retryBaseMs, maxMs: escalationPolicy.resourceDelivery.retryMaxMs, pollMs: escalationPolicy.resourceDelivery.pollMs },
    clock, logger: logger.child({ part: 'resources' }), onAlertsWritten: kick,
    ...(metrics ? { metrics } : {}),
  });
  const crisis = createCrisisResponder({
    store, escalation, checkOutput, risk, clock, logger, locale, deliveries,
    directory: { render: renderResources, texts: (l) => directory.texts(l) },
    threshold: escalationPolicy.threshold,
    fallbackCountry: config.CRISIS_DEFAULT_COUNTRY,
    ...(metrics ? { metrics } : {}),
  });

  const tokens = createQwenTokenCounter();
  const engine = new Engine({
    store, risk, llm, crisis, clock, logger, tokens, locale,
    policy: modelPolicy,
    contextTokens: config.OYSTER_CONTEXT_TOKENS,
    llmTimeoutMs: config.OYSTER_TIMEOUT_MS,
    replyDeadlineMs: escalationPolicy.replyDeadlineMs,
    ...(config.RATE_LIMIT_PER_MINUTE > 0
      ? { limiter: new RateLimiter({ perMinute: config.RATE_LIMIT_PER_MINUTE, burst: config.RATE_LIMIT_BURST }) }
      : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });

  const dashboard = dashboardFromEnv({
    env: config.env, db, failingAfterAttempts: escalationPolicy.outbox.failingAfterAttempts, moderators,
    runCaseCommand: (request) => moderation.handle(request), adapters, clock, logger,
  });
  const onCommand = createCommandHandler({
    store, policy: modelPolicy, logger, locales: directory.locales(),
    country: (request) => country.handle(request),
    moderation,
    ...(dashboard ? { dashboardLink: (request: CommandRequest) => dashboard.handleWebCommand(request) } : {}),
    forgetElsewhere: (userKey) => cases.forgetUser(userKey, escalationPolicy.forgetKeepsAuditFields),
    scrubFiles: () => store.compact(),
    exportElsewhere: (userKey) => cases.exportUser(userKey),
  });
  const handlersFor = (channel: ReplyChannel): BotHandlers => ({
    onMessage: async (message) => {
      const receipt = await engine.receive(message, channel);
      return { handled: receipt.handled.then(() => undefined) };
    },
    onCommand,
  });

  let retention: NodeJS.Timeout | undefined;
  const purge = async () => {
    const now = clock.now().getTime();
    try {
      const messages = await store.purgeMessages(new Date(now - config.RETENTION_DAYS * 24 * HOUR_MS));
      const dedupe = await store.purgeProcessed(new Date(now - DEDUPE_KEEP_MS));
      const closed = await cases.purgeResolved(new Date(now - escalationPolicy.caseRetentionDays * 24 * HOUR_MS));
      logger.info('retention purge done', { messages, dedupe, cases: closed });
    } catch (error) {
      logger.error('retention purge failed', { code: (error as { code?: string }).code ?? 'UNKNOWN' });
    }
  };

  logger.info('policies loaded', { policyVersion: version, countries: directory.countries().length });
  let stopped = false;
  const stopping = new AbortController();
  const started = new Set<PlatformAdapter>();
  return {
    engine, store, cases, outbox, dashboard,
    policyVersion: version,
    handlersFor,
    async start() {
      // Alerts left undelivered by a previous run go out first (the crash-resume path).
      await outbox.start();
      await dashboard?.start();
      // Load the tokenizer now: its first use blocks for ~0.6-1.2 s, which must not eat into a
      // platform's acknowledgement window (Slack: 3 s) on the first message.
      tokens.countMessage('system', modelPolicy.systemPrompt);
      for (const adapter of adapters) {
        // A platform that does not connect within the deadline is named and keeps trying in
        // the background; the others start meanwhile (src/platform-start.ts).
        await startPlatform({
          adapter, handlers: handlersFor(adapter), target: connectionTarget(adapter), deadlineMs: config.OYSTER_CONNECT_TIMEOUT_MS,
          logger, signal: stopping.signal,
          onStarted: async () => {
            if (stopped) return;
            started.add(adapter);
            logger.info('adapter started', { platform: adapter.platform });
            // Messages a previous run recorded but never finished are handled now, not on a
            // redelivery that may never come (Discord has none; Telegram and Slack were acked).
            await engine.resume(adapter.platform, adapter).catch((error: unknown) =>
              logger.error('could not resume unfinished messages', { code: (error as { code?: string }).code ?? 'UNKNOWN', platform: adapter.platform }));
          },
        });
      }
      // Resources a previous run could not deliver are retried once the adapters are up.
      await deliveries.start();
      void purge();
      retention = setInterval(() => void purge(), HOUR_MS);
      retention.unref();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopping.abort();
      started.clear();
      if (retention) clearInterval(retention);
      await dashboard?.stop();
      await Promise.allSettled(adapters.map((a) => a.stop()));
      await engine.idle();
      await deliveries.stop();
      await outbox.drainOnce().catch(() => undefined);
      await outbox.stop();
      stopCheckpoints();
      await store.close();
    },
    async drainAlerts() {
      await outbox.drainOnce();
    },
    drainResources: () => deliveries.drainOnce(),
    adapterStatus: () => adapters.map((a) => ({ platform: a.platform, started: started.has(a) })),
  };
}
