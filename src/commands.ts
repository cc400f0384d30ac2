/**
 * User commands that every platform offers the same way: /start, /help, /forget (with a
 * confirmation), /export and /country. `case …` goes to the moderators' handler, which
 * decides who may act. Adapters map their slash commands and buttons onto these names.
 */
import type { Logger } from './logger.js';
import { platformUserKey } from './messages.js';
import type { CommandReply, CommandRequest } from './ports.js';
import type { ModelPolicy } from './policy/model-policy.js';
import type { MessageStore } from './store/store.js';

export interface CommandDeps {
  store: MessageStore;
  policy: ModelPolicy;
  /** Countries the resource directory knows (uppercase ISO codes). */
  knownCountry(code: string): boolean;
  /** Moderator case actions (ack, resolve, note, pause, resume, list). */
  moderation: { handle(request: CommandRequest): Promise<CommandReply> };
  /** Extra deletion beyond the message store (case excerpts per the retention policy). */
  forgetElsewhere?(userKey: string): Promise<number>;
  logger: Logger;
}

export const COUNTRY_PREFERENCE = 'country';

export function createCommandHandler(deps: CommandDeps): (request: CommandRequest) => Promise<CommandReply> {
  const reply = (text: string, ok = true, isPrivate = true): CommandReply => ({ text, ok, private: isPrivate });

  return async (request) => {
    const texts = deps.policy.texts('en');
    const userKey = platformUserKey(request.conversation.platform, request.actor.id);
    const name = request.name.toLowerCase().replace(/^\//, '');
    switch (name) {
      case 'start':
      case 'help':
        return reply(texts.help);
      case 'forget': {
        if (request.args[0]?.toLowerCase() !== 'confirm') return reply(texts.forget_confirm);
        const removed = (await deps.store.forgetUser(userKey)) + ((await deps.forgetElsewhere?.(userKey)) ?? 0);
        deps.logger.info('user data deleted on request', { userKey, records: removed });
        return reply(texts.forgotten.replace('{count}', String(removed)));
      }
      case 'export': {
        const data = await deps.store.exportUser(userKey);
        deps.logger.info('user data exported on request', { userKey, messages: data.messages.length });
        return reply(['Here is everything I store about you:', '```json', JSON.stringify(data, null, 2), '```'].join('\n'));
      }
      case 'country': {
        const arg = request.args[0]?.trim().toUpperCase();
        if (!arg) {
          const current = await deps.store.preference(userKey, COUNTRY_PREFERENCE);
          return reply(current ? texts.country_show.replace('{country}', current) : texts.country_none);
        }
        const code = arg === 'UK' ? 'GB' : arg;
        if (!/^[A-Z]{2}$/.test(code)) return reply(texts.country_none, false);
        await deps.store.setPreference(userKey, COUNTRY_PREFERENCE, code);
        return reply((deps.knownCountry(code) ? texts.country_set : texts.country_unknown).replace('{country}', code));
      }
      case 'case':
        return deps.moderation.handle(request);
      default:
        return reply(texts.unknown_command, false);
    }
  };
}
