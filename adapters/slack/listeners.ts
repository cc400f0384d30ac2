/**
 * Bolt listeners: message events, the slash command and the alert buttons. A message event is
 * answered once its intake row has committed (HTTP mode runs bolt with processBeforeResponse,
 * so the 2xx follows this listener); commands and actions call ack() at once. The engine's work
 * goes to `host.track`, so nothing here holds a Slack request open while the model answers.
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../../src/logger.js';
import type { BotHandlers, CommandReply, CommandRequest, MessageReceipt } from '../../src/ports.js';
import { ACTION_ACK, ACTION_RESOLVE, alertBlocks, alertFallbackText, type AlertRenderOptions } from './moderator.js';
import type { BoundedMap } from '../shared/bounded.js';
import { parseCaseAction, parseSlashText } from './commands.js';
import { mentionedUserIds, normalizeSlackEvent, type SlackEventEnvelope } from './inbound.js';
import { renderSlack } from './outbound.js';
import type { SlackWeb } from './web.js';

/** What the listeners need from the adapter. */
export interface ListenerHost {
  readonly web: SlackWeb;
  readonly logger: Logger;
  readonly botUserId: string;
  readonly botId: string | undefined;
  readonly command: string;
  readonly commandInlineMs: number;
  readonly botThreads: BoundedMap<string, true>;
  /** Workspace facts the alert blocks need (permalinks); optional so older hosts still fit. */
  readonly alertOptions?: AlertRenderOptions;
  track(work: Promise<void>): void;
  rememberThread(channel: string, threadTs: string): void;
  openDirect(userId: string): Promise<{ channelId: string } | undefined>;
  /** A private message came in: the store learns where the person can be reached. */
  sawDirect?(userId: string, channelId: string): void;
}

/** Name lookups must not hold up a message (a crisis one least of all): give up after this. */
const NAME_LOOKUP_MS = 800;
const SORRY = 'Sorry, something went wrong on my side. Please try again in a minute.';

export function registerListeners(app: App, host: ListenerHost, handlers: BotHandlers): void {
  const onEvent = async ({ body, context }: { body: unknown; context: { retryNum?: number; retryReason?: string } }) => {
    if (context.retryNum !== undefined) {
      host.logger.info('slack redelivery', { retryNum: context.retryNum, retryReason: context.retryReason });
    }
    // Resolves once the message is durably recorded: only then may Slack hear 200. A crash
    // before that leaves the delivery unanswered, and Slack retries it.
    const receipt = await processEvent(host, handlers, body as SlackEventEnvelope);
    if (receipt !== undefined) host.track(receipt.handled);
  };
  // A mention in a channel arrives twice, as `message` (message.channels) and `app_mention`;
  // both normalize to the same id, and the engine's dedupe keeps one.
  app.event('message', onEvent);
  app.event('app_mention', onEvent);

  app.command(host.command, async ({ command, ack, respond }) => {
    const { name, args } = parseSlashText(command.text ?? '');
    const request: CommandRequest = {
      name, args,
      actor: { id: command.user_id, displayName: command.user_name || command.user_id, roleIds: [] },
      conversation: { platform: 'slack', channelId: command.channel_id, communityId: command.team_id },
      isDirect: command.channel_id.startsWith('D'),
    };
    const work = safeCommand(host, handlers, request);
    let timer: NodeJS.Timeout | undefined;
    const reply = await Promise.race([work, new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), host.commandInlineMs); })]);
    clearTimeout(timer);
    if (reply !== undefined) {
      const parts = renderSlack(reply.text);
      if (parts.length <= 1) {
        // Slash answers stay ephemeral even when the core allows public: in a workspace, that a
        // colleague uses a support bot is their business (CRISIS.md §5, employer-controlled).
        await ack({ response_type: 'ephemeral', text: parts[0] ?? 'Done.' });
        return;
      }
    }
    await ack();
    host.track((async () => {
      const late = reply ?? (await work);
      const parts = renderSlack(late.text);
      if (parts.length > 1) {
        // Long answers (an export) go to the DM, where they can be several messages.
        const dm = await host.openDirect(command.user_id);
        if (dm !== undefined) {
          for (const part of parts) await host.web.post(dm.channelId, part);
          if (!request.isDirect) await respond({ response_type: 'ephemeral', text: handlers.notes?.(late.locale).sent_privately ?? 'I sent that to you in our direct messages.' });
          return;
        }
      }
      // response_url takes up to 5 posts in 30 minutes (PLATFORMS.md §5.1).
      if (parts.length > 5) host.logger.warn('slack command answer longer than response_url allows', { command: name, parts: parts.length });
      for (const part of parts.slice(0, 5)) await respond({ response_type: 'ephemeral', text: part });
    })());
  });

  app.action(new RegExp(`^(${ACTION_ACK}|${ACTION_RESOLVE})$`), async ({ ack, body, action }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
    host.track(caseAction(host, handlers, {
      actionId: action.action_id,
      value: action.value,
      userId: body.user.id,
      userName: body.user.name ?? body.user.username ?? body.user.id,
      channel: body.channel?.id,
      messageTs: body.message?.ts,
      teamId: body.team?.id ?? undefined,
    }));
  });
}

/** Normalizes and records one event; resolves with the receipt of the handling still under way, if any. */
async function processEvent(host: ListenerHost, handlers: BotHandlers, body: SlackEventEnvelope): Promise<MessageReceipt | undefined> {
  const event = body.event;
  if (event === undefined) return undefined;
  const userIds = [...(event.user === undefined ? [] : [event.user]), ...mentionedUserIds(event.text ?? '')]
    .filter((id) => id !== host.botUserId);
  // Quick rejects first, so bot posts and edits cost no users.info calls.
  const probe = normalizeSlackEvent(body, { botUserId: host.botUserId, ...(host.botId === undefined ? {} : { botId: host.botId }), inBotThread: () => false, names: new Map() });
  if (probe === undefined) return undefined;
  const names = await host.web.resolveNames(userIds, NAME_LOOKUP_MS);
  const message = normalizeSlackEvent(body, {
    botUserId: host.botUserId,
    ...(host.botId === undefined ? {} : { botId: host.botId }),
    inBotThread: (channel, ts) => host.botThreads.has(`${channel}:${ts}`),
    names,
  });
  if (message === undefined) return undefined;
  if (message.isDirect) host.sawDirect?.(message.author.id, message.conversation.channelId);
  if (message.mentionsBot && !message.isDirect && message.conversation.threadId !== undefined) {
    host.rememberThread(message.conversation.channelId, message.conversation.threadId);
  }
  // The receipt, not its promise: an async function would adopt `handled` and wait for it.
  return handlers.onMessage(message);
}

/** The core's reply, or an apology when the core failed: a command never goes unanswered. */
async function safeCommand(host: ListenerHost, handlers: BotHandlers, request: CommandRequest): Promise<CommandReply> {
  try {
    return await handlers.onCommand(request);
  } catch (error) {
    host.logger.error('slack command failed', { command: request.name, error: error instanceof Error ? error : String(error) });
    return { text: SORRY, ok: false, private: true };
  }
}

interface CaseClick {
  actionId: string;
  value: string | undefined;
  userId: string;
  userName: string;
  channel: string | undefined;
  messageTs: string | undefined;
  teamId: string | undefined;
}

async function caseAction(host: ListenerHost, handlers: BotHandlers, click: CaseClick): Promise<void> {
  const parsed = parseCaseAction(click.actionId, click.value);
  if (parsed === undefined || click.channel === undefined) return;
  const reply = await safeCommand(host, handlers, {
    ...parsed,
    actor: { id: click.userId, displayName: click.userName, roleIds: [] },
    conversation: { platform: 'slack', channelId: click.channel, ...(click.teamId === undefined ? {} : { communityId: click.teamId }) },
    isDirect: false,
  });
  if (!reply.ok) {
    // Only configured moderators may act; the core decides, and every refusal is on record.
    host.logger.warn('slack case action refused', { actorId: click.userId, action: parsed.args[0], caseId: parsed.args[1] });
    await host.web.ephemeral(click.channel, click.userId, renderSlack(reply.text)[0] ?? SORRY);
    return;
  }
  const alert = reply.updatedAlert;
  if (alert !== undefined && click.messageTs !== undefined) {
    // Edit the alert in place: everyone in the channel sees who acted and when.
    await host.web.update(click.channel, click.messageTs, alertFallbackText(alert), alertBlocks(alert, host.alertOptions));
  } else if (reply.text.trim() !== '') {
    await host.web.ephemeral(click.channel, click.userId, renderSlack(reply.text)[0]!);
  }
}
