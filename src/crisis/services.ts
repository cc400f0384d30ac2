/**
 * Builds the crisis side of the bot from its parts: the alert outbox worker, escalation (cases
 * and alerts), moderation (the `case` command), the `country` command and the crisis step the
 * engine calls. Kept out of the composition root so that main.ts stays plain wiring; nothing
 * here runs per message.
 */
import type { Logger } from '../logger.js';
import type { ConversationRef } from '../messages.js';
import type { Clock, CrisisChannel, CrisisResponder, ModeratorSink, RiskAssessor } from '../ports.js';
import { asBotError } from '../errors.js';
import type { EscalationPolicy } from '../policy/escalation-policy.js';
import type { CaseStore } from '../store/case-store.js';
import type { MessageStore } from '../store/store.js';
import { communityKey, createCountryCommand } from './country.js';
import type { RenderRequest, ResourceDirectory } from './directory.js';
import { createCommunityLanguage } from './community-language.js';
import { createCountryAnswer } from './country-answer.js';
import { loadGazetteer } from './gazetteer.js';
import { createResourceDelivery, type ResourceDelivery } from './resource-delivery.js';
import type { ResourceDeliveryStore } from '../store/resource-deliveries.js';
import { createCaseJournal, type CaseJournal } from './case-journal.js';
import { createEscalation, RISK_RESET_PREFERENCE } from './escalation.js';
import { createLocaleChooser, type LocaleChooser } from './locale.js';
import { hasModeratorSink } from './log-sink.js';
import { createModeration, type Moderation, type ModerationTexts } from './moderation.js';
import type { ModeratorConfig } from './moderators.js';
import { createOutboxWorker, type OutboxMetrics, type OutboxWorker } from './outbox.js';
import type { OutputCheck } from './output-check.js';
import { createCrisisResponder } from './responder.js';
import { createFollowUp } from './follow-up.js';
import { createHandOff } from './hand-off.js';
import { createReplyCheck } from './reply-check.js';

export interface CrisisServicesDeps {
  store: MessageStore;
  cases: CaseStore;
  policy: EscalationPolicy;
  /** The policy folder (policies/locale.yaml). */
  policyDir: string;
  /** The case journal's file (case-journal.ts); undefined keeps it in memory (an in-memory database). */
  journalPath: string | undefined;
  directory: ResourceDirectory;
  /** Locales the bot's own texts exist in (model.yaml). */
  textLocales: readonly string[];
  checkOutput: OutputCheck;
  risk: RiskAssessor;
  /** Every sink alerts go to, as the outbox sends them (already wrapped for metrics). */
  sinks: ModeratorSink[];
  moderators: ModeratorConfig;
  defaultCountry: string | undefined;
  policyVersion: string;
  clock: Clock;
  logger: Logger;
  metrics?: { count(name: string, labels?: Record<string, string>): void };
  onOutboxMetrics?: (stats: OutboxMetrics) => void;
  /** The dashboard page of a case, shown on every alert when the dashboard has a public address. */
  caseLink?: (caseId: number) => string | undefined;
  /** The resource-delivery queue's store. */
  deliveries: ResourceDeliveryStore;
  /** The adapter of a platform, for resource retries that no inbound message carries. */
  channelFor(platform: string): CrisisChannel | undefined;
}

export interface CrisisServices {
  outbox: OutboxWorker;
  moderation: Moderation;
  country: ReturnType<typeof createCountryCommand>;
  /** `language community xx|clear` for moderators. */
  communityLanguage: ReturnType<typeof createCommunityLanguage>;
  responder: CrisisResponder;
  /** The language to write to a person in (src/crisis/locale.ts). */
  locale: LocaleChooser;
  /** Retries crisis resources the platform did not confirm (started after the adapters). */
  deliveries: ResourceDelivery;
  /** Cases waiting for the store to come back. */
  journal: CaseJournal;
  /** The `case` replies in the language of the person asking (their choice, last language, community's). */
  moderationTexts(userKey: string, conversation: ConversationRef): Promise<ModerationTexts>;
}

export function createCrisisServices(deps: CrisisServicesDeps): CrisisServices {
  const { store, cases, policy, clock, logger, metrics, sinks } = deps;
  const outbox = createOutboxWorker({
    cases, policy, clock, sinks, logger: logger.child({ part: 'outbox' }),
    ...(deps.onOutboxMetrics ? { onMetrics: deps.onOutboxMetrics } : {}),
    ...(deps.caseLink ? { caseLink: deps.caseLink } : {}),
  });
  // New alerts go out at once rather than on the worker's next poll.
  const kick = () => outbox.kick();
  const escalation = createEscalation({
    cases, messages: store, sinks: sinks.map((s) => s.name), policy, clock,
    logger: logger.child({ part: 'escalation' }), defaultCountry: deps.defaultCountry, onAlertsWritten: kick,
  });
  // A case the store could not take (it is down) waits in the journal and is written when it is back.
  const journal = createCaseJournal({
    path: deps.journalPath, raise: (input) => escalation.raise(input), logger: logger.child({ part: 'case-journal' }),
  });
  const journaled: typeof escalation = {
    ...escalation,
    async raise(input) {
      try {
        return await escalation.raise(input);
      } catch (error) {
        if (asBotError(error).code === 'STORE_UNAVAILABLE') journal.add(input);
        throw error;
      }
    },
  };
  const moderation = createModeration({
    cases, moderators: deps.moderators, clock, logger: logger.child({ part: 'moderation' }), policyVersion: deps.policyVersion,
    // Every sink hears of a status change; the outbox edits the messages it already shows.
    updateSinks: sinks.map((s) => s.name),
    onAlertsWritten: kick,
    // A false positive must not keep colouring the person's next messages (issue 12 item 7).
    onResolved: async (c, at) => {
      if (c.outcome === 'false_positive') await store.setPreference(c.userKey, RISK_RESET_PREFERENCE, at.toISOString());
    },
    ...(metrics ? { onCaseAction: (action: string, level: string) => metrics.count('case_actions_total', { action, level }) } : {}),
    // In the moderator's language, like the community commands' replies (they were English only).
    textsFor: (userKey, conversation) => moderationTexts(userKey, conversation),
  });
  const { directory } = deps;
  /** A command carries no sentence: the person's choice, else the language they last wrote in, else the community's. */
  const textsFor = async (userKey: string, conversation: ConversationRef) => directory.texts(await locale({
    userKey, communityKey: communityKey(conversation), detected: (await deps.deliveries.forUser(userKey)).at(-1)?.locale, text: '',
  }));
  const country = createCountryCommand({
    messages: store, moderators: deps.moderators, isKnownCountry: (c) => deps.directory.has(c),
    defaultCountry: deps.defaultCountry, logger,
    lines: { sendLines: (r, c) => countryAnswer.sendLines(r, c), linesFor: (u, c, conv) => countryAnswer.linesFor(u, c, conv) },
    channelFor: (platform) => deps.channelFor(platform),
    textsFor: async (userKey, conversation) => {
      const texts = await textsFor(userKey, conversation);
      return { ...texts.countryCommand, locale: texts.locale, community: texts.community };
    },
  });
  const communityLanguage = createCommunityLanguage({
    messages: store, moderators: deps.moderators, locales: directory.locales(), textsFor, logger,
  });
  const locale = createLocaleChooser({
    policyDir: deps.policyDir, templateLocales: directory.locales(), textLocales: deps.textLocales,
    preference: (owner, name) => store.preference(owner, name),
    setPreference: (owner, name, value) => store.setPreference(owner, name, value),
    country: async (userKey, communityKey) => (await escalation.resolveCountry({ userKey, communityKey })).country,
    defaultCountry: deps.defaultCountry,
  });
  // The texts promise a moderator only when a sink other than the log can reach one (issue 12 item 6).
  const moderatorsReachable = hasModeratorSink(sinks.map((s) => s.name));
  if (!moderatorsReachable) {
    logger.warn('moderator alerts reach only the log: crisis messages will not promise a moderator', {
      code: 'NO_MODERATOR_SINK', fix: 'set MODERATOR_WEBHOOK_URL and MODERATOR_WEBHOOK_SECRET, or a platform moderator channel',
    });
  }
  const render = (request: RenderRequest) => directory.render({ ...request, moderators: moderatorsReachable });
  // Crisis resources go through a durable queue: sent when the platform confirms, retried until then.
  const rd = policy.resourceDelivery;
  const deliveries = createResourceDelivery({
    store: deps.deliveries, render, channelFor: deps.channelFor, sinks: sinks.map((s) => s.name),
    retry: { baseMs: rd.retryBaseMs, maxMs: rd.retryMaxMs, pollMs: rd.pollMs },
    clock, logger: logger.child({ part: 'resources' }), onAlertsWritten: kick,
    ...(metrics ? { metrics } : {}),
  });
  const countryAnswer = createCountryAnswer({
    store, cases, gazetteer: loadGazetteer(deps.policyDir, directory), render, deliveries, locale, clock, logger,
    sentLines: (userKey) => deps.deliveries.forUser(userKey),
    detect: (text) => deps.risk.screen({ text, recent: [], now: clock.now() }).language,
  });
  const crisisDirectory = { render, texts: (l: string, c?: string) => directory.texts(l, c) };
  const response = createCrisisResponder({
    store, escalation: journaled, risk: deps.risk, clock, logger, locale, deliveries, directory: crisisDirectory,
    threshold: policy.threshold, fallbackCountry: deps.defaultCountry,
    ...(metrics ? { metrics } : {}),
  });
  // The engine's seam: one owner a step (src/ports.ts, CrisisResponder).
  const responder: CrisisResponder = {
    followUp: createFollowUp({ countryAnswer, deliveries, logger }),
    respond: response.respond.bind(response),
    handOff: createHandOff({ store, escalation, directory: crisisDirectory, clock }),
    checkReply: createReplyCheck({
      directory: crisisDirectory, checkOutput: deps.checkOutput, threshold: policy.threshold, fallbackCountry: deps.defaultCountry,
    }),
    respondWithoutStore: response.respondWithoutStore.bind(response),
  };
  const moderationTexts = async (userKey: string, conversation: ConversationRef) => (await textsFor(userKey, conversation)).moderation;
  return { outbox, moderation, country, communityLanguage, responder, locale, deliveries, journal, moderationTexts };
}
