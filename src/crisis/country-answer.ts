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
   * The person's resource messages so far, oldest first. A country answer ("estoy en México",
   * "DE") is too short to tell its language, so the new lines follow the last one's language; and
   * they are addressed as the case's were: to a person worried about a friend, the third-party
   * text, not "move away from anything you could use to hurt yourself".
   */
  sentLines?(userKey: string): Promise<ReadonlyArray<{ caseId?: number | undefined; locale: string; about: 'self' | 'other' }>>;
  /**
   * The language a message is written in (the risk screen's detection). With the person's stored
   * choice and last language it gives the conversation's language, which decides a name that is
   * an ordinary word elsewhere: "Island" is Iceland in German and a word in English.
   */
  detect?(text: string): string | undefined;
  clock: Clock;
  logger: Logger;
}

/** What became of a country's lines: confirmed by the platform, queued for a retry, or no case open. */
export type LinesOutcome =
  | { state: 'delivered'; text: string }
  | { state: 'queued'; text: string }
  | { state: 'no-case' };

export interface CountryAnswer {
  /**
   * Reads a message as the answer to the country question. Resolves with the country it set
   * (and whose lines it sent when a case is open), or undefined. Never rejects.
   */
  onMessage(message: InboundMessage, channel: CrisisChannel): Promise<string | undefined>;
  /**
   * `country XX`: while the person's case is open, the new country's lines go out through the
   * resource-delivery queue like every other resource message, so the case records them only
   * when the platform confirmed the send, and a failed send is retried. Rejects only when the
   * queue's store is down (the caller then shows the lines in its own reply).
   */
  sendLines(request: { userKey: string; userId: string; country: string; conversation: ConversationRef; isDirect: boolean }, channel: CrisisChannel): Promise<LinesOutcome>;
  /** The lines as text, for a reply to show when the queue itself is down; undefined without an open case. */
  linesFor(userKey: string, country: string, conversation: ConversationRef): Promise<string | undefined>;
}

/**
 * Short enough to read as an answer to the invitation at the end of a resource message: at most
 * six words, and at most 48 characters for scripts written without spaces.
 */
const shortAnswer = (text: string): boolean => text.trim().length <= 48 && text.trim().split(/\s+/u).length <= 6;

export function createCountryAnswer(deps: CountryAnswerDeps): CountryAnswer {
  const { store, cases, gazetteer, logger } = deps;

  /** The person's open case: in this conversation, this community, or a private one. */
  const openCase = (userKey: string, conversation: ConversationRef): Promise<CaseRecord | undefined> =>
    cases.activeCase(userKey, conversationKey(conversation), conversation.communityId);

  /**
   * The lines at the case's level, queued and tried at once: in the person's DM, else (DMs
   * closed, or the DM refused the message) as the minimal in-place text, which says nothing
   * about the person, in the conversation they wrote in.
   */
  async function deliver(
    active: CaseRecord,
    who: { userKey: string; userId: string; conversation: ConversationRef; isDirect: boolean; text: string },
    country: string,
    channel: CrisisChannel,
  ): Promise<Exclude<LinesOutcome, { state: 'no-case' }>> {
    const { userKey, conversation } = who;
    const direct = who.isDirect ? conversation : await channel.openDirect(who.userId).catch(() => undefined);
    const { detected, about } = await earlier(userKey, active.id);
    const locale = await deps.locale({ userKey, communityKey: communityKey(conversation), detected, text: who.text });
    const send = async (place: 'private' | 'private-unreachable', to: ConversationRef) => {
      const rendered = deps.render({ country, level: active.level, locale, place, about });
      const out = await deps.deliveries.send({
        caseId: active.id, userKey, conversation: to, place, level: active.level, country, locale,
        about, resourceIds: rendered.resourceIds, at: deps.clock.now(),
      }, channel);
      return { out, text: rendered.text };
    };
    let sent = direct ? await send('private', direct) : undefined;
    if (!sent || (!sent.out.delivered && sent.out.refused && !who.isDirect)) sent = await send('private-unreachable', conversation);
    return { state: sent.out.delivered ? 'delivered' : 'queued', text: sent.text };
  }

  /** The last resource message's language, and whether the case's lines were for a friend. */
  async function earlier(userKey: string, caseId: number): Promise<{ detected: string | undefined; about: 'self' | 'other' }> {
    const sent = (await deps.sentLines?.(userKey)) ?? [];
    return { detected: sent.at(-1)?.locale, about: sent.filter((d) => d.caseId === caseId).at(-1)?.about ?? 'self' };
  }

  return {
    async onMessage(message, channel) {
      const userKey = platformUserKey(message.conversation.platform, message.author.id);
      try {
        // Only while the person has no country of their own, and only as an answer: after the
        // question, or, while their case is open, after resources drawn from a default country,
        // which end "Somewhere else? Tell me the country". That invitation is a promise, but a
        // longer message ("my sister lives in Spain") is talk, not an answer, so it must be short.
        if ((await store.preference(userKey, COUNTRY_PREFERENCE)) !== undefined) return undefined;
        const asked = (await store.preference(userKey, COUNTRY_ASKED_PREFERENCE)) !== undefined;
        if (!asked && !shortAnswer(message.text)) return undefined;
        // Unasked, a short message is an answer only while a case is open: that one indexed read
        // comes before reading the message's language and country names, which cost far more and
        // which most short messages (no case open) never need.
        const active = await openCase(userKey, message.conversation);
        if (!asked && !active) return undefined;
        // Found only when it decides a name ("Island"): most answers need no screen and no store read for it.
        const language = !gazetteer.languageMatters(message.text) ? undefined : await deps.locale({
          userKey, communityKey: communityKey(message.conversation), detected: deps.detect?.(message.text), text: message.text,
        });
        const country = gazetteer.countryIn(message.text, language);
        if (country === undefined) return undefined;
        if (!asked && active!.country === country) return undefined;
        await store.setPreference(userKey, COUNTRY_PREFERENCE, country);
        logger.info('country set from the answer to the country question', { owner: 'user', country });
        if (!active) return country;
        await deliver(active, {
          userKey, userId: message.author.id, conversation: message.conversation, isDirect: message.isDirect, text: message.text,
        }, country, channel);
        return country;
      } catch (error) {
        logger.warn('could not act on the country answer', { code: asBotError(error).code });
        return undefined;
      }
    },

    async sendLines(request, channel) {
      const active = await openCase(request.userKey, request.conversation);
      if (!active) return { state: 'no-case' };
      return deliver(active, { ...request, text: '' }, request.country, channel);
    },

    async linesFor(userKey, country, conversation) {
      const active = await openCase(userKey, conversation);
      if (!active) return undefined;
      const { detected, about } = await earlier(userKey, active.id);
      const locale = await deps.locale({ userKey, communityKey: communityKey(conversation), detected, text: '' });
      return deps.render({ country, level: active.level, locale, place: 'private', about }).text;
    },
  };
}
