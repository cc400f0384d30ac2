/**
 * Country resolution (CRISIS.md §7) and the `country` command that sets it.
 *
 * Order: the user's own choice, else the community's default (Discord guild, Telegram
 * chat, Slack workspace), else the operator's CRISIS_DEFAULT_COUNTRY, else unknown: ask
 * the user once and show the global fallback meanwhile. The country is never inferred from
 * the language: Spanish could be ES, MX or US; English could be anywhere.
 */
import type { ConversationRef } from '../messages.js';
import { platformUserKey } from '../messages.js';
import { asBotError, BotError } from '../errors.js';
import type { CommandReply, CommandRequest, CrisisChannel } from '../ports.js';
import type { MessageStore } from '../store/store.js';
import type { Logger } from '../logger.js';
import type { CountryAnswer } from './country-answer.js';
import type { CrisisTexts } from './directory.js';
import { isModerator, type ModeratorConfig } from './moderators.js';

/** Preference names in the MessageStore. */
export const COUNTRY_PREFERENCE = 'country';
export const COUNTRY_ASKED_PREFERENCE = 'country_asked_at';

export type CountrySource = 'user' | 'community' | 'default' | 'unknown';

export interface CountryResolution {
  /** ISO 3166-1 alpha-2, upper case; absent when unknown (show the global fallback). */
  country?: string;
  source: CountrySource;
  /** True exactly once per user while the country is unknown: ask "Which country are you in?". */
  shouldAsk: boolean;
}

/** The preference owner key of a conversation's community, or undefined (DMs have none). */
export function communityKey(conversation: ConversationRef): string | undefined {
  return conversation.communityId === undefined
    ? undefined
    : `community:${conversation.platform}:${conversation.communityId}`;
}

/** "de", " DE " → "DE"; anything that is not two letters → undefined. */
export function normalizeCountry(input: string | undefined): string | undefined {
  const code = input?.trim().toUpperCase();
  return code !== undefined && /^[A-Z]{2}$/.test(code) ? code : undefined;
}

/** The stored country by precedence, without side effects. */
export async function lookupCountry(
  messages: MessageStore,
  keys: { userKey: string; communityKey?: string | undefined },
  defaultCountry: string | undefined,
): Promise<{ country?: string; source: CountrySource }> {
  const own = normalizeCountry(await messages.preference(keys.userKey, COUNTRY_PREFERENCE));
  if (own) return { country: own, source: 'user' };
  if (keys.communityKey !== undefined) {
    const community = normalizeCountry(await messages.preference(keys.communityKey, COUNTRY_PREFERENCE));
    if (community) return { country: community, source: 'community' };
  }
  const fallback = normalizeCountry(defaultCountry);
  if (fallback) return { country: fallback, source: 'default' };
  return { source: 'unknown' };
}

/** lookupCountry, and when unknown, whether to ask now (true once per user, remembered). */
export async function resolveCountry(
  messages: MessageStore,
  keys: { userKey: string; communityKey?: string | undefined },
  defaultCountry: string | undefined,
  now: Date,
): Promise<CountryResolution> {
  const found = await lookupCountry(messages, keys, defaultCountry);
  if (found.country !== undefined) return { country: found.country, source: found.source, shouldAsk: false };
  // Remember the question before returning it, so a second message never asks again.
  const asked = await messages.preference(keys.userKey, COUNTRY_ASKED_PREFERENCE);
  if (asked !== undefined) return { source: 'unknown', shouldAsk: false };
  await messages.setPreference(keys.userKey, COUNTRY_ASKED_PREFERENCE, now.toISOString());
  return { source: 'unknown', shouldAsk: true };
}

export interface CountryCommandDeps {
  messages: MessageStore;
  moderators: ModeratorConfig;
  /** True for codes the verified resource directory has (src/crisis/directory.ts). */
  isKnownCountry: (code: string) => boolean;
  /** CRISIS_DEFAULT_COUNTRY, shown when nothing else is set. */
  defaultCountry?: string | undefined;
  logger: Logger;
  /**
   * While the person's case is open, the new country's lines go out through the resource-delivery
   * queue (src/crisis/country-answer.ts), so they count as sent only once the platform confirmed them.
   */
  lines?: Pick<CountryAnswer, 'sendLines' | 'linesFor'>;
  /** The platform's adapter, to send the lines on. */
  channelFor?(platform: string): CrisisChannel | undefined;
  /**
   * The replies to the person in their language (policies/templates/*.yaml country_command): their
   * /language choice, else the language of their last crisis lines; English without either.
   */
  textsFor?(userKey: string, conversation: ConversationRef): Promise<CountryCommandTexts>;
}

/** The replies in one language, and which (English keeps its longer wording for moderators). */
export type CountryCommandTexts = CrisisTexts['countryCommand'] & { locale: string; community: CrisisTexts['community'] };

/** Codes that name no one country ("Unknown Region", the EU, the UN, private-use codes). */
const NOT_A_COUNTRY = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'XK']);
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** True for an ISO 3166-1 alpha-2 code that names a country or territory. */
function isRegion(code: string): boolean {
  if (NOT_A_COUNTRY.has(code)) return false;
  try {
    return regionNames.of(code) !== undefined;
  } catch {
    return false;
  }
}

/** English, for a command handler built without the directory (tests of the command alone). */
const ENGLISH: CountryCommandTexts = {
  locale: 'en',
  set: 'Your country is now **{country}**.',
  cleared: 'Your country is cleared.',
  unknown: '"{value}" is not a country I have verified resources for. Use a two-letter code such as DE, GB or US.',
  lines_sent: "I've sent you this country's crisis lines in a separate message.",
  lines_queued: "I couldn't confirm that my message with this country's crisis lines arrived, so here they are, and I'll keep trying to send them:",
  current: 'Crisis resources use **{country}**.',
  none_set: 'No country is set, so I show international lines.',
  usage: '`country XX` sets your country (a two-letter code such as DE); `country clear` removes it.',
  community: {
    country_set: "This community's default country is now **{country}**.",
    country_cleared: "This community's default country is cleared.",
    language_set: "This community's language is now {language}. I use it for short messages when I don't yet know a person's language.",
    language_cleared: "This community's language is cleared.",
    language_unknown: '"{value}" is not a language I can write in. Choose one of: {languages}.',
    moderators_only: "Only moderators can change this community's settings.",
    no_community: 'This conversation is not part of a community. Use this command in the community itself.',
    usage: "Moderators: `country community DE` sets this community's default country and `language community es` its language; `clear` instead of the code removes the setting.",
  },
};

const USAGE = [
  '`country` shows the country used for crisis resources.',
  '`country DE` sets yours (two-letter code); `country clear` removes it.',
  ENGLISH.community.usage,
].join('\n');

/** Handles `country [CC|clear]` and, for moderators, `country community CC|clear`. Replies are private. */
export function createCountryCommand(deps: CountryCommandDeps): { handle(req: CommandRequest): Promise<CommandReply> } {
  const reply = (text: string, ok = true): CommandReply => ({ text, ok, private: true });
  return {
    async handle(req) {
      const userKey = platformUserKey(req.conversation.platform, req.actor.id);
      const [first, second] = req.args.map((a) => a.trim());
      if (first === undefined) {
        const r = await lookupCountry(deps.messages, { userKey, communityKey: communityKey(req.conversation) }, deps.defaultCountry);
        const texts = (await deps.textsFor?.(userKey, req.conversation).catch(() => undefined)) ?? ENGLISH;
        if (texts.locale === 'en') {
          const why = { user: 'your choice', community: "this community's default", default: "the operator's default", unknown: '' }[r.source];
          return reply(r.country ? `Crisis resources use **${r.country}** (${why}).\n${USAGE}` : `No country is set.\n${USAGE}`);
        }
        // In the person's language: where their lines come from and how to change it, and for a
        // moderator the community's options too.
        const forModerators = isModerator(req.actor, req.conversation.platform, deps.moderators) ? `\n${texts.community.usage}` : '';
        return reply(`${r.country ? texts.current.replace('{country}', r.country) : texts.none_set}\n${texts.usage}${forModerators}`);
      }
      if (first.toLowerCase() === 'community') {
        // In the moderator's language: their /language choice, else the language they last wrote
        // in, else the community's own (issue 12; before, these replies were English only).
        const texts = (await deps.textsFor?.(userKey, req.conversation).catch(() => undefined)) ?? ENGLISH;
        const key = communityKey(req.conversation);
        if (key === undefined) return reply(texts.community.no_community, false);
        if (!isModerator(req.actor, req.conversation.platform, deps.moderators)) {
          deps.logger.warn('country command refused', { actor: userKey, community: key });
          return reply(texts.community.moderators_only, false);
        }
        return set(key, second, texts);
      }
      const texts = (await deps.textsFor?.(userKey, req.conversation).catch(() => undefined)) ?? ENGLISH;
      const answer = await set(userKey, first, texts);
      if (!answer.ok || first.toLowerCase() === 'clear') return answer;
      const lines = await sendLines(req, userKey, normalizeCountry(first)!, texts);
      return lines === undefined ? answer : { ...answer, text: `${answer.text}\n\n${lines}` };
    },
  };

  /**
   * With a case open, the new country's lines go out at once through the queue. What the reply
   * adds follows what the platform confirmed: a pointer when they arrived, the lines themselves
   * when they did not (fail toward safety: the queue keeps retrying, and records nothing until then).
   */
  async function sendLines(req: CommandRequest, userKey: string, country: string, texts: CountryCommandTexts): Promise<string | undefined> {
    if (!deps.lines) return undefined;
    const channel = deps.channelFor?.(req.conversation.platform);
    try {
      if (!channel) throw new BotError(`no adapter for ${req.conversation.platform}`, 'PLATFORM_NETWORK');
      const out = await deps.lines.sendLines({
        userKey, userId: req.actor.id, country, conversation: req.conversation, isDirect: req.isDirect,
      }, channel);
      if (out.state === 'no-case') return undefined;
      return out.state === 'delivered' ? texts.lines_sent : `${texts.lines_queued}\n\n${out.text}`;
    } catch (error) {
      deps.logger.error('could not queue the new country\'s crisis lines: shown in the reply only', { code: asBotError(error).code, country });
      return deps.lines.linesFor(userKey, country, req.conversation).catch(() => undefined);
    }
  }

  /** Sets or clears a person's or a community's country, answering in the language of `texts`. */
  async function set(owner: string, value: string | undefined, texts: CountryCommandTexts): Promise<CommandReply> {
    const own = !owner.startsWith('community:');
    if (value?.toLowerCase() === 'clear') {
      await deps.messages.setPreference(owner, COUNTRY_PREFERENCE, undefined);
      return reply(own ? texts.cleared : texts.community.country_cleared);
    }
    const code = normalizeCountry(value);
    // A real country without a directory file is taken too: its person gets the international
    // lines, and the message says plainly that none are checked there (issue 12 item 2).
    if (!code || !(deps.isKnownCountry(code) || isRegion(code))) {
      return reply(texts.unknown.replace('{value}', (value ?? '').slice(0, 20)), false);
    }
    await deps.messages.setPreference(owner, COUNTRY_PREFERENCE, code);
    deps.logger.info('country set', { owner: own ? 'user' : owner, country: code });
    return reply((own ? texts.set : texts.community.country_set).replace('{country}', code));
  }
}
