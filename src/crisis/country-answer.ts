/**
 * The country answer (issue 12 item 2; CRISIS.md §7 step 3). Once the bot has asked "Which
 * country are you in?", a message naming exactly one country, or a well-known city or region
 * (policies/places.yaml, in any supported language), sets the person's country, and while their
 * case is open that country's lines go out at once through the resource-delivery queue. The
 * `country XX` command uses the same lines. The country is never guessed: a message naming none,
 * or two, changes nothing.
 */
import { asBotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { conversationKey, platformUserKey, type ConversationRef, type InboundMessage } from '../messages.js';
import type { Clock, CrisisChannel } from '../ports.js';
import type { CaseRecord, CaseStore } from '../store/case-store.js';
import type { MessageStore } from '../store/store.js';
import { COUNTRY_ASKED_PREFERENCE, COUNTRY_PREFERENCE, communityKey } from './country.js';
import type { RenderedResources, RenderRequest } from './directory.js';
import type { Gazetteer } from './gazetteer.js';
import type { LocaleChooser } from './locale.js';
import type { ResourceDelivery } from './resource-delivery.js';

export interface CountryAnswerDeps {
  store: Pick<MessageStore, 'preference' | 'setPreference'>;
  cases: Pick<CaseStore, 'activeCase'>;
  gazetteer: Gazetteer;
  render(request: RenderRequest): RenderedResources;
  deliveries: Pick<ResourceDelivery, 'send'>;
  locale: LocaleChooser;
  /**
   * The language the person's resources were last written in. A country answer ("estoy en
   * México", "DE") is too short to tell its language, so the lines follow the conversation's.
   */
  lastLocale?(userKey: string): Promise<string | undefined>;
  clock: Clock;
  logger: Logger;
}

export interface CountryAnswer {
  /**
   * Reads a message as the answer to the country question. Resolves with the country it set
   * (and whose lines it sent when a case is open), or undefined. Never rejects.
   */
  onMessage(message: InboundMessage, channel: CrisisChannel): Promise<string | undefined>;
  /** The lines for `country` at the level of the person's open case, or undefined without one (`country XX`). */
  linesFor(userKey: string, country: string, conversation: ConversationRef): Promise<string | undefined>;
}

export function createCountryAnswer(deps: CountryAnswerDeps): CountryAnswer {
  const { store, cases, gazetteer, logger } = deps;

  /** The person's open case: in this conversation, this community, or a private one. */
  const openCase = (userKey: string, conversation: ConversationRef): Promise<CaseRecord | undefined> =>
    cases.activeCase(userKey, conversationKey(conversation), conversation.communityId);

  return {
    async onMessage(message, channel) {
      const userKey = platformUserKey(message.conversation.platform, message.author.id);
      try {
        // Only after the question, and only while the person has no country of their own.
        if ((await store.preference(userKey, COUNTRY_ASKED_PREFERENCE)) === undefined) return undefined;
        if ((await store.preference(userKey, COUNTRY_PREFERENCE)) !== undefined) return undefined;
        const country = gazetteer.countryIn(message.text);
        if (country === undefined) return undefined;
        await store.setPreference(userKey, COUNTRY_PREFERENCE, country);
        logger.info('country set from the answer to the country question', { owner: 'user', country });
        const active = await openCase(userKey, message.conversation);
        if (!active) return country;
        const direct = message.isDirect ? message.conversation : await channel.openDirect(message.author.id).catch(() => undefined);
        const locale = await deps.locale({
          userKey, communityKey: communityKey(message.conversation), detected: await deps.lastLocale?.(userKey), text: message.text,
        });
        const place = direct ? 'private' : 'private-unreachable';
        const rendered = deps.render({ country, level: active.level, locale, place, about: 'self' });
        await deps.deliveries.send({
          caseId: active.id, userKey, conversation: direct ?? message.conversation, place, level: active.level, country, locale,
          about: 'self', resourceIds: rendered.resourceIds, at: deps.clock.now(),
        }, channel);
        return country;
      } catch (error) {
        logger.warn('could not act on the country answer', { code: asBotError(error).code });
        return undefined;
      }
    },

    async linesFor(userKey, country, conversation) {
      const active = await openCase(userKey, conversation);
      if (!active) return undefined;
      const locale = await deps.locale({ userKey, communityKey: communityKey(conversation), detected: await deps.lastLocale?.(userKey), text: '' });
      return deps.render({ country, level: active.level, locale, place: 'private', about: 'self' }).text;
    },
  };
}
