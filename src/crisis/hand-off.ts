/**
 * The moderator's take-over: once a moderator has paused the bot for a person in a
 * conversation (`case pause`, policies/escalation.yaml), the bot answers no more there and says
 * so once, with the reviewed hand-off notice, instead of a model answer.
 */
import { type ConversationRef, type InboundMessage, conversationKey, platformUserKey, userContextKey } from '../messages.js';
import type { Clock, CrisisChannel } from '../ports.js';
import type { MessageStore } from '../store/store.js';
import type { ResourceDirectory } from './directory.js';
import type { Escalation } from './escalation.js';

export interface HandOffDeps {
  store: Pick<MessageStore, 'preference' | 'setPreference'>;
  escalation: Pick<Escalation, 'isPaused'>;
  directory: Pick<ResourceDirectory, 'texts'>;
  clock: Clock;
}

/** Resolves true when a moderator has taken over (the engine then does not answer). */
export type HandOff = (message: InboundMessage, replyTo: ConversationRef, locale: string, channel: CrisisChannel) => Promise<boolean>;

/** Set once the notice went out, under the context key, which /forget also clears. */
const HANDOFF_SENT = 'handoff_sent';

export function createHandOff(deps: HandOffDeps): HandOff {
  return async (message, replyTo, locale, channel) => {
    const userKey = platformUserKey(message.conversation.platform, message.author.id);
    if (!(await deps.escalation.isPaused(userKey, conversationKey(message.conversation)))) return false;
    const contextKey = userContextKey(message.conversation, message.author.id);
    if (await deps.store.preference(contextKey, HANDOFF_SENT)) return true;
    await channel.send({ conversation: replyTo, text: deps.directory.texts(locale).handoffNotice, kind: 'notice' });
    await deps.store.setPreference(contextKey, HANDOFF_SENT, String(deps.clock.now().getTime()));
    return true;
  };
}
