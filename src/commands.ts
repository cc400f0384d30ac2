/**
 * User commands that every platform offers the same way: /start, /help, /forget (with a
 * confirmation), /export and /country. `case …` goes to the moderators' handler, which
 * decides who may act. Adapters map their slash commands and buttons onto these names.
 */
import { findCommand, helpText, moderatorHelp } from './command-catalogue.js';
import type { Logger } from './logger.js';
import { platformUserKey } from './messages.js';
import type { CommandReply, CommandRequest } from './ports.js';
import type { ModelPolicy } from './policy/model-policy.js';
import type { MessageStore } from './store/store.js';
import { LANGUAGE_PREFERENCE, LAST_LANGUAGE_PREFERENCE, matchTag } from './crisis/locale.js';
import { communityKey } from './crisis/country.js';

export interface CommandDeps {
  store: MessageStore;
  policy: ModelPolicy;
  /** `country [CC|clear]` and the moderators' community default. */
  country(request: CommandRequest): Promise<CommandReply>;
  /** Moderator case actions (ack, resolve, note, pause, resume, list). */
  moderation: { handle(request: CommandRequest): Promise<CommandReply> };
  /** `case web`: a one-time sign-in link to the moderator dashboard (absent when it is off). */
  dashboardLink?(request: CommandRequest): Promise<CommandReply>;
  /** Records about the person beyond the message store (cases, signals, alerts, resource deliveries). */
  exportElsewhere?(userKey: string): Promise<unknown[]>;
  /** Extra deletion beyond the message store (case excerpts per the retention policy). */
  forgetElsewhere?(userKey: string): Promise<number>;
  /** Runs after a /forget so nothing deleted stays readable in the database files; false if it must wait. */
  scrubFiles?(): Promise<boolean>;
  logger: Logger;
  /** Locales the bot can write in (templates and texts), for /language. */
  locales?: readonly string[];
  /** `language community xx|clear`: the community's language, set by moderators (src/crisis/community-language.ts). */
  communityLanguage?(request: CommandRequest): Promise<CommandReply>;
  /** Whether the person asking is a moderator: their /help also lists the moderator forms. */
  isModerator?(request: CommandRequest): boolean;
}

export function createCommandHandler(deps: CommandDeps): (request: CommandRequest) => Promise<CommandReply> {
  const reply = (text: string, ok = true, isPrivate = true): CommandReply => ({ text, ok, private: isPrivate });

  const locales = new Set(deps.locales ?? ['en']);
  const nameOf = (locale: string) => new Intl.DisplayNames([locale, 'en'], { type: 'language' }).of(locale) ?? locale;
  /** `/language es` stores the choice; `/language clear` goes back to the language of each message. */
  const language = async (owner: string, arg: string | undefined): Promise<CommandReply> => {
    if (arg?.toLowerCase() === 'clear') {
      const before = (await deps.store.preference(owner, LANGUAGE_PREFERENCE)) ?? 'en';
      await deps.store.setPreference(owner, LANGUAGE_PREFERENCE, undefined);
      return reply(deps.policy.texts(before).language_cleared);
    }
    const locale = matchTag(arg, locales);
    if (locale === undefined) {
      const current = deps.policy.texts((await deps.store.preference(owner, LANGUAGE_PREFERENCE)) ?? 'en');
      return reply(current.language_unknown.replace('{languages}', [...locales].sort().join(', ')), arg === undefined);
    }
    await deps.store.setPreference(owner, LANGUAGE_PREFERENCE, locale);
    return { ...reply(deps.policy.texts(locale).language_set.replace('{language}', nameOf(locale))), locale };
  };
  const answer = async (request: CommandRequest, userKey: string, chosen: string): Promise<CommandReply> => {
    const texts = deps.policy.texts(chosen);
    // Only catalogued commands are handled (src/command-catalogue.ts), so menus and handling agree.
    const name = findCommand(request.name)?.name;
    switch (name) {
      case 'start':
      case 'help':
        // The introduction is the locale's text; the command lists come from the catalogue, the
        // moderators' in the moderator's language too (it was English only).
        return reply(deps.isModerator?.(request) ? `${helpText(chosen, texts.help)}\n${moderatorHelp(chosen)}` : helpText(chosen, texts.help));
      case 'forget': {
        if (request.args[0]?.toLowerCase() !== 'confirm') return reply(texts.forget_confirm);
        const removed = (await deps.store.forgetUser(userKey)) + ((await deps.forgetElsewhere?.(userKey)) ?? 0);
        const scrubbed = (await deps.scrubFiles?.()) ?? true;
        // No user id here: this line would otherwise tie the person to having asked to be forgotten.
        deps.logger.info('user data deleted on request', { platform: request.conversation.platform, records: removed, filesScrubbed: scrubbed });
        return reply(texts.forgotten.replace('{count}', String(removed)));
      }
      case 'export': {
        const data = { ...(await deps.store.exportUser(userKey)), cases: (await deps.exportElsewhere?.(userKey)) ?? [] };
        deps.logger.info('user data exported on request', { userKey, messages: data.messages.length, cases: data.cases.length });
        return reply([texts.export_intro, '```json', JSON.stringify(data, null, 2), '```'].join('\n'));
      }
      case 'country':
        return deps.country(request);
      case 'language':
        if (request.args[0]?.toLowerCase() === 'community' && deps.communityLanguage) return deps.communityLanguage(request);
        return language(userKey, request.args[0]);
      case 'case': {
        const verb = request.args[0]?.toLowerCase();
        if (verb === 'web') {
          return deps.dashboardLink ? deps.dashboardLink(request) : reply(texts.dashboard_off, false);
        }
        // No case action named, or one that does not exist: a moderator gets the forms in their language.
        const known = findCommand('case')?.subcommands?.some((s) => s.name === verb) ?? false;
        if (!known && deps.isModerator?.(request)) return reply(moderatorHelp(chosen), false);
        return deps.moderation.handle(request);
      }
      default:
        return reply(texts.unknown_command, false);
    }
  };
  return async (request) => {
    const userKey = platformUserKey(request.conversation.platform, request.actor.id);
    // A command carries no sentence to read a language from: the person's stored choice, else the
    // language they last wrote in, else the community's, else English, as the crisis texts and the
    // moderators' replies choose (before, a Spanish writer's /help, /forget and /export were English).
    const chosen = await replyLanguage(deps.store, locales, userKey, communityKey(request.conversation));
    // The adapter's own words around the reply ("sent as a file") follow the reply's language.
    const out = await answer(request, userKey, chosen);
    return { ...out, locale: out.locale ?? chosen };
  };
}

/** The first of: the person's /language choice, the language they last wrote in, the community's; else English. */
async function replyLanguage(store: MessageStore, locales: ReadonlySet<string>, userKey: string, community: string | undefined): Promise<string> {
  const sources: Array<[string | undefined, string]> = [[userKey, LANGUAGE_PREFERENCE], [userKey, LAST_LANGUAGE_PREFERENCE], [community, LANGUAGE_PREFERENCE]];
  for (const [owner, name] of sources) {
    if (owner === undefined) continue;
    const tag = matchTag(await store.preference(owner, name), locales);
    if (tag !== undefined) return tag;
  }
  return 'en';
}
