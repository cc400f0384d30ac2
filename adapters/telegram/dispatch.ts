/**
 * What the adapter does with each classified update: messages to the engine, commands and
 * moderator buttons to onCommand, and the few answers only the adapter can give (where a
 * private answer went, refusals on buttons). Every path catches its own errors: one
 * bad update is logged with its code and never stops the bot.
 */
import type { Api } from 'grammy';
import { asBotError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { ConversationRef } from '../../src/messages.js';
import type { BotHandlers, CommandReply } from '../../src/ports.js';
import type { TelegramEvent } from './inbound.js';
import { FORGET_CONFIRM_DATA, PLATFORM } from './inbound.js';
import { alertKeyboard, renderAlert, type InlineKeyboard } from './moderator.js';
import { callbackAnswerText, deepLink, renderChunks } from './outbound.js';
import type { BoundedSet } from '../shared/bounded.js';
import type { DirectUsers } from './direct-users.js';
import type { Sender } from './sender.js';

/** The adapter's own sentences about Telegram mechanics; everything else comes from the core. */
export const NOTES = {
  answeredPrivately: "I've answered you in a private message.",
  invitePrivate: (link: string) =>
    `I can only answer that in a private chat. [Open a private chat with me](${link}), then ask again.`,
  buttonFailed: 'That did not work, please try again in a moment.',
} as const;

export interface DispatchContext {
  api: Api;
  handlers: BotHandlers;
  sender: Sender;
  logger: Logger;
  /** Message ids already handed over (`chat:message`). */
  seenMessages: BoundedSet<string>;
  /** Users known to have a private chat with the bot (cached here, kept in the store). */
  directUsers: Pick<DirectUsers, 'has' | 'add' | 'delete'>;
  botUsername: string;
  /** The staff chat: moderators' private `case` answers may be shown there in place. */
  moderatorChatId: string | undefined;
  /** Called once a message is durably taken (its intake committed): Telegram may be told then. */
  onTaken?: () => void;
}

/** The /forget confirmation button, labelled in the reply's language where the handlers carry texts. */
const forgetKeyboard = (label = 'Yes, delete my data'): InlineKeyboard => ({
  inline_keyboard: [[{ text: label, callback_data: FORGET_CONFIRM_DATA }]],
});

function directRef(userId: string): ConversationRef {
  return { platform: PLATFORM, channelId: userId };
}

async function replyToCommand(
  ctx: DispatchContext,
  event: Extract<TelegramEvent, { kind: 'command' }>,
  reply: CommandReply,
): Promise<void> {
  const inPlace = { conversation: event.conversation, replyToId: event.messageId, kind: 'notice' as const };
  // The /forget prompt gets a confirmation button (typing "/forget confirm" works too).
  const notes = ctx.handlers.notes?.(reply.locale);
  const keyboard = event.name === 'forget' && event.args.length === 0 && reply.ok ? forgetKeyboard(notes?.forget_button) : undefined;
  const staffChat = event.name === 'case' && event.conversation.channelId === ctx.moderatorChatId;
  if (event.isDirect || !reply.private || staffChat) {
    await ctx.sender.send({ ...inPlace, text: reply.text }, ctx.botUsername, keyboard);
    return;
  }
  // Telegram has no ephemeral messages: a private answer to a group command goes by DM,
  // and never into the group (it may hold the user's own data, as /export does).
  if (ctx.directUsers.has(event.actor.id)) {
    try {
      await ctx.sender.send({ conversation: directRef(event.actor.id), text: reply.text, kind: 'notice' }, ctx.botUsername, keyboard);
      // Said in the language of the answer it points to (English when the handlers carry no texts).
      const note = notes?.sent_privately ?? NOTES.answeredPrivately;
      await ctx.sender.send({ ...inPlace, text: note }, ctx.botUsername);
      return;
    } catch (error) {
      if (asBotError(error).code !== 'PLATFORM_PERMISSION') throw error;
    }
  }
  const link = deepLink(ctx.botUsername);
  const invite = notes ? notes.invite_private.replace('{link}', link) : NOTES.invitePrivate(link);
  await ctx.sender.send({ ...inPlace, text: invite }, ctx.botUsername);
}

async function pressButton(ctx: DispatchContext, event: Extract<TelegramEvent, { kind: 'button' }>): Promise<void> {
  const answer = (text?: string, alert = false) =>
    ctx.api.answerCallbackQuery(event.callbackQueryId, text ? { text, show_alert: alert } : {});
  if (!event.command || !event.conversation) {
    await answer(); // an old keyboard or an inaccessible message: just stop the spinner
    return;
  }
  let reply: CommandReply;
  try {
    reply = await ctx.handlers.onCommand({
      name: event.command.name,
      args: event.command.args,
      actor: event.actor,
      conversation: event.conversation,
      isDirect: event.isDirect,
    });
  } catch (error) {
    // The core failed, so no reply says the person's language: their Telegram app's language is
    // the nearest honest guess (English when the bot has no texts for it).
    await answer(ctx.handlers.notes?.(event.languageCode).command_failed ?? NOTES.buttonFailed, true);
    throw error;
  }
  if (!reply.ok) {
    // The core refused (not a moderator, or a stale action): tell only the presser.
    ctx.logger.warn('telegram button refused', {
      actorId: event.actor.id, command: event.command.name, action: event.command.args[0], caseId: event.command.args[1],
    });
    await answer(callbackAnswerText(reply.text), true);
    return;
  }
  await answer(callbackAnswerText(reply.text));
  if (!event.target) return;
  if (reply.updatedAlert) {
    const alert = reply.updatedAlert;
    await ctx.sender.editHtml(event.target.chatId, event.target.messageId, renderAlert(alert), alertKeyboard(alert));
  } else if (event.command.name === 'forget') {
    // Replace the prompt with the outcome, and take the button away so it cannot be pressed twice.
    const [first] = renderChunks(reply.text);
    if (first) await ctx.sender.editHtml(event.target.chatId, event.target.messageId, first.html, { inline_keyboard: [] });
  }
}

/** Handles one classified update. Resolves when the work is done; never rejects. */
export async function dispatchEvent(ctx: DispatchContext, event: TelegramEvent, updateId: number): Promise<void> {
  try {
    switch (event.kind) {
      case 'message':
        if (event.message.isDirect && !event.message.author.isBot) ctx.directUsers.add(event.message.author.id);
        if (!ctx.seenMessages.add(event.message.id)) return;
        const receipt = await ctx.handlers.onMessage(event.message);
        ctx.onTaken?.();
        await receipt.handled;
        return;
      case 'command': {
        if (event.isDirect) ctx.directUsers.add(event.actor.id);
        if (!ctx.seenMessages.add(event.messageId)) return;
        const reply = await ctx.handlers.onCommand({
          name: event.name,
          args: event.args,
          actor: event.actor,
          conversation: event.conversation,
          isDirect: event.isDirect,
        });
        await replyToCommand(ctx, event, reply);
        return;
      }
      case 'button':
        await pressButton(ctx, event);
        return;
      case 'dm-status':
        if (event.open) ctx.directUsers.add(event.userId);
        else ctx.directUsers.delete(event.userId);
        return;
      case 'ignore':
        ctx.logger.debug('telegram update ignored', { updateId, reason: event.reason });
        return;
    }
  } catch (error) {
    const e = asBotError(error);
    ctx.logger.error('telegram update failed', { updateId, kind: event.kind, code: e.code, error: e });
  }
}
