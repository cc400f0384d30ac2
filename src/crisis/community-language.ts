/**
 * `language community xx|clear`: a moderator sets the language the bot falls back to in this
 * community when a message is too short to tell its own ("hola", "ok") and nothing is known of
 * the person yet (issue 12 item 5; src/crisis/locale.ts reads it). Stored like the community's
 * default country, as a preference of the community. Replies go in the moderator's language.
 */
import type { ConversationRef } from '../messages.js';
import { platformUserKey } from '../messages.js';
import type { CommandReply, CommandRequest } from '../ports.js';
import type { MessageStore } from '../store/store.js';
import type { Logger } from '../logger.js';
import { communityKey } from './country.js';
import type { CrisisTexts } from './directory.js';
import { LANGUAGE_PREFERENCE, matchTag } from './locale.js';
import { isModerator, type ModeratorConfig } from './moderators.js';

export interface CommunityLanguageDeps {
  messages: Pick<MessageStore, 'setPreference'>;
  moderators: ModeratorConfig;
  /** Locales the bot can write in (templates and texts). */
  locales: readonly string[];
  /** The replies, in the moderator's language (the same choice as every other reply to them). */
  textsFor(userKey: string, conversation: ConversationRef): Promise<{ locale: string; community: CrisisTexts['community'] }>;
  logger: Logger;
}

export function createCommunityLanguage(deps: CommunityLanguageDeps): { handle(request: CommandRequest): Promise<CommandReply> } {
  const reply = (text: string, ok = true): CommandReply => ({ text, ok, private: true });
  const available = new Set(deps.locales);
  return {
    async handle(request) {
      const userKey = platformUserKey(request.conversation.platform, request.actor.id);
      const { locale, community: texts } = await deps.textsFor(userKey, request.conversation);
      const key = communityKey(request.conversation);
      if (key === undefined) return reply(texts.no_community, false);
      if (!isModerator(request.actor, request.conversation.platform, deps.moderators)) {
        deps.logger.warn('community language command refused', { actor: userKey, community: key });
        return reply(texts.moderators_only, false);
      }
      const value = request.args[1]?.trim();
      if (value?.toLowerCase() === 'clear') {
        await deps.messages.setPreference(key, LANGUAGE_PREFERENCE, undefined);
        return reply(texts.language_cleared);
      }
      const chosen = matchTag(value, available);
      if (chosen === undefined) {
        return reply(texts.language_unknown.replace('{value}', (value ?? '').slice(0, 20)).replace('{languages}', [...available].sort().join(', ')), false);
      }
      await deps.messages.setPreference(key, LANGUAGE_PREFERENCE, chosen);
      deps.logger.info('community language set', { community: key, language: chosen });
      return reply(texts.language_set.replace('{language}', languageName(chosen, locale)));
    },
  };
}

/** "es" named in the reader's language ("español", "Spanisch"), or the code when ICU has no name. */
function languageName(code: string, inLocale: string): string {
  try {
    return new Intl.DisplayNames([inLocale, 'en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
