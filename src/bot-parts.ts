/**
 * The parts createBot (src/main.ts) wires together, each built from the config and the validated
 * policies: the policies themselves, the alert sinks, the model client and risk assessor, the
 * engine's settings, the dashboard and the command handler. Kept apart from the composition root
 * so that createBot reads as plain wiring; nothing here handles a message.
 */
import type { Config } from './config.js';
import { createCommandHandler } from './commands.js';
import { BotError } from './errors.js';
import type { Dashboard } from './dashboard/index.js';
import { dashboardConfigFromEnv } from './dashboard/config.js';
import { loadDirectory } from './crisis/directory.js';
import { createLogSink } from './crisis/log-sink.js';
import { isModerator, type ModeratorConfig } from './crisis/moderators.js';
import { createOutputCheck } from './crisis/output-check.js';
import type { CrisisServices } from './crisis/services.js';
import { withDedupe } from './crisis/sink-dedupe.js';
import { createWebhookSink } from './crisis/webhook-sink.js';
import { warmCrisisPath } from './crisis/warm-up.js';
import { createOpenAiClient } from './llm/openai-client.js';
import type { Logger } from './logger.js';
import { storeRateLimit } from './conversation/rate-limit.js';
import type { Clock, CommandRequest, LlmClient, ModeratorSink, PlatformAdapter, RiskAssessor } from './ports.js';
import { loadEscalationPolicy } from './policy/escalation-policy.js';
import { loadModelPolicy } from './policy/model-policy.js';
import { policyVersion as hashPolicies } from './policy/version.js';
import { createRiskAssessor } from './risk/assessor.js';
import type { openStores } from './open-stores.js';

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

/** Every policy file, validated; an invalid one stops startup before the database is touched. */
export function loadPolicies(policyDir: string, config: Config) {
  const version = hashPolicies(policyDir);
  const model = loadModelPolicy(policyDir);
  const escalation = loadEscalationPolicy(policyDir);
  const directory = loadDirectory(policyDir);
  checkDefaultCountry(config.CRISIS_DEFAULT_COUNTRY, directory);
  return { version, model, escalation, directory, checkOutput: createOutputCheck(policyDir, directory) };
}

/** Where alerts go: the log, each adapter's moderator channel, the webhook, and any extra (tests). */
export function alertSinks(config: Config, adapters: PlatformAdapter[], extra: ModeratorSink[], clock: Clock, logger: Logger): ModeratorSink[] {
  const sinks: ModeratorSink[] = [createLogSink(logger.child({ part: 'alerts' }))];
  for (const adapter of adapters) if (adapter.moderatorSink) sinks.push(adapter.moderatorSink);
  if (config.MODERATOR_WEBHOOK_URL && config.MODERATOR_WEBHOOK_SECRET) {
    sinks.push(createWebhookSink({ url: config.MODERATOR_WEBHOOK_URL, secret: config.MODERATOR_WEBHOOK_SECRET, clock }));
  }
  // Dedupe once, here: the outbox is at-least-once, and no sink keeps its own memory of what it sent.
  return [...sinks, ...extra].map((s) => withDedupe(s));
}

/** Alerts link to the case's dashboard page when the dashboard runs (on either store) behind a public address. */
export function caseLinks(config: Config): { caseLink?: (caseId: number) => string } {
  const base = dashboardConfigFromEnv(config.env)?.publicUrl;
  return base === undefined ? {} : { caseLink: (caseId) => `${base}/cases/${caseId}` };
}

type Policies = ReturnType<typeof loadPolicies>;
type Stores = Awaited<ReturnType<typeof openStores>>;

/** The moment the store answers again, journaled cases are written and their alerts sent. */
export function watchStoreHealth(stores: Stores, journal: CrisisServices['journal'], logger: Logger): void {
  stores.health?.onChange((fault) => {
    if (fault) {
      logger.error('database unavailable: crisis resources still go out, cases are journaled', { code: 'STORE_UNAVAILABLE', sqlite: fault.code });
      return;
    }
    logger.info('database available again');
    if (journal.size > 0) void journal.replay();
  });
}

/** Before the first platform connects: the crisis path compiled (issue 12 item 10). */
export function warmUp(policies: Policies, risk: RiskAssessor, config: Config, logger: Logger): void {
  // The first crisis message must not pay for compiling the screen.
  const ms = warmCrisisPath({
    risk, render: (request) => policies.directory.render(request), checkOutput: policies.checkOutput,
    threshold: policies.escalation.threshold, defaultCountry: config.CRISIS_DEFAULT_COUNTRY, locales: policies.directory.locales(),
  });
  logger.info('crisis path warmed', { ms: Math.round(ms) });
}

export function logStart(policies: Policies, stores: Stores, logger: Logger): void {
  logger.info('policies loaded', { policyVersion: policies.version, countries: policies.directory.countries().length });
  logger.info('store opened', { store: stores.dialect, instance: stores.instanceId });
}

/** The Oyster-1 client from the config (tests pass their own). */
export function modelClient(config: Config, policies: Policies): LlmClient {
  return createOpenAiClient({
    baseURL: config.OYSTER_BASE_URL, model: config.OYSTER_MODEL, apiKey: config.OYSTER_API_KEY,
    timeoutMs: config.OYSTER_TIMEOUT_MS, maxRetries: config.OYSTER_MAX_RETRIES, sampling: policies.model.sampling,
    cacheSalt: config.OYSTER_CACHE_SALT,
  });
}

/** The screen, and the model judge when RISK_JUDGE is on. */
export function riskAssessor(config: Config, policies: Policies, policyDir: string, llm: LlmClient, logger: Logger): RiskAssessor {
  return createRiskAssessor({
    policyDir, policyVersion: policies.version, logger: logger.child({ part: 'risk' }),
    judgeTimeoutMs: config.RISK_JUDGE_TIMEOUT_MS, ...(config.RISK_JUDGE !== 'off' ? { llm } : {}),
  });
}

/** The engine's settings from the config and the policies. */
export function engineSettings(config: Config, policies: Policies, stores: Stores) {
  return {
    ...(stores.turnOrder ? { turnOrder: stores.turnOrder } : {}),
    contextTokens: config.OYSTER_CONTEXT_TOKENS, llmTimeoutMs: config.OYSTER_TIMEOUT_MS,
    streaming: config.STREAMING === 'on',
    replyDeadlineMs: policies.escalation.replyDeadlineMs, unaddressedThreshold: policies.escalation.groupStepIn,
    ...(config.RATE_LIMIT_PER_MINUTE > 0
      ? { limiter: storeRateLimit(stores.shared, { perMinute: config.RATE_LIMIT_PER_MINUTE, burst: config.RATE_LIMIT_BURST }) }
      : {}),
  };
}

/**
 * The dashboard works on either store (open-stores.ts picks its read model). Its web stack is
 * imported only when DASHBOARD_PORT asks for it (a bad value still throws here).
 */
export async function openDashboard(
  config: Config, policies: Policies, stores: Stores, crisis: CrisisServices,
  parts: { adapters: PlatformAdapter[]; moderators: { ids: string[]; roleIds: string[] }; clock: Clock; logger: Logger },
): Promise<Dashboard | undefined> {
  if (dashboardConfigFromEnv(config.env) === undefined) return undefined;
  const { dashboardFromEnv } = await import('./dashboard/index.js');
  return dashboardFromEnv({
    env: config.env, ...await stores.dashboard(policies.escalation.outbox.failingAfterAttempts), ...parts,
    runCaseCommand: (request) => crisis.moderation.handle(request),
    // `case web` answers in the moderator's language, like every other `case` reply.
    textsFor: (userKey, conversation) => crisis.moderationTexts(userKey, conversation),
  });
}

/** The user and moderator commands (src/commands.ts), with what they reach beyond the message store. */
export function commandHandler(
  policies: Policies, stores: Stores, crisis: CrisisServices, dashboard: Dashboard | undefined, logger: Logger, moderators: ModeratorConfig,
) {
  const { messages: store, cases } = stores;
  return createCommandHandler({
    store, policy: policies.model, logger, moderation: crisis.moderation, locales: policies.directory.locales(),
    isModerator: (request) => isModerator(request.actor, request.conversation.platform, moderators),
    country: (request) => crisis.country.handle(request),
    communityLanguage: (request) => crisis.communityLanguage.handle(request),
    ...(dashboard ? { dashboardLink: (request: CommandRequest) => dashboard.handleWebCommand(request) } : {}),
    forgetElsewhere: async (userKey) => crisis.journal.forget(userKey) + await cases.forgetUser(userKey, policies.escalation.forgetKeepsAuditFields),
    scrubFiles: () => store.compact(),
    exportElsewhere: (userKey) => cases.exportUser(userKey),
  });
}
