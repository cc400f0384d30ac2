/**
 * Pure normalization of Slack Events API payloads (the `event_callback` body bolt hands us)
 * into InboundMessage. No I/O: names for <@U…> mentions and the set of threads the bot takes
 * part in come in through `SlackInboundContext`.
 *
 * The dedupe id is `${channel}:${ts}`: Slack redelivers with the same event_id (X-Slack-Retry-Num),
 * has been seen sending one message under two event_ids (slackapi/node-slack-sdk#2141), and
 * sends a channel mention twice, as `message` and as `app_mention`. All of these share channel + ts,
 * so the engine's SQLite dedupe sees one message.
 */
import type { InboundMessage } from '../../src/messages.js';

/** The fields of a Slack message / app_mention event this adapter reads. */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  hidden?: boolean;
  team?: string;
}

/** The Events API envelope (HTTP body, or a Socket Mode `events_api` payload). */
export interface SlackEventEnvelope {
  type?: string;
  team_id?: string;
  event_id?: string;
  event?: SlackMessageEvent;
}

export interface SlackInboundContext {
  /** The bot's own user id (U…), from auth.test. */
  botUserId: string;
  /** The bot's bot id (B…), from auth.test. */
  botId?: string;
  /** Is the thread rooted at `threadTs` in `channel` one the bot was mentioned in or posted to? */
  inBotThread(channel: string, threadTs: string): boolean;
  /** Display names for user ids, where already known (users.info cache). */
  names: ReadonlyMap<string, string>;
}

/**
 * Message subtypes that are a person writing. Everything else (bot_message, message_changed,
 * message_deleted, channel_join, …) is ignored: edits are not re-answered, joins are not speech.
 */
const USER_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** User ids mentioned as <@U…> or <@U…|name> in raw Slack text. */
export function mentionedUserIds(text: string): string[] {
  return [...new Set([...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!))];
}

/**
 * Slack's wire text → the plain text a person typed. Removes the bot's own mention, turns
 * other mentions, channels and links into readable words, and undoes Slack's &amp; &lt; &gt;.
 */
export function plainText(raw: string, botUserId: string, names: ReadonlyMap<string, string>): string {
  const text = raw
    .replace(new RegExp(`<@${botUserId}(?:\\|[^>]*)?>[,:]?`, 'g'), ' ')
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, label?: string) => `@${names.get(id) ?? label ?? id}`)
    .replace(/<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, label?: string) => `#${label || id}`)
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, label?: string) => label ?? '@group')
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<((?:https?|mailto|tel):[^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => linkText(url, label))
    .replace(/<((?:https?|mailto|tel):[^|>]+)>/g, '$1');
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** Slack auto-links "example.com" as <http://example.com|example.com>: show it once. */
function linkText(url: string, label: string): string {
  const bare = url.replace(/^(https?:\/\/|mailto:|tel:)/, '');
  return label === bare || label === url ? label : `${label} (${url})`;
}

/**
 * A Slack event body → InboundMessage, or undefined for events the bot must not act on
 * (its own posts, other bots, edits, deletions, joins, hidden events, malformed payloads).
 */
export function normalizeSlackEvent(body: SlackEventEnvelope, ctx: SlackInboundContext): InboundMessage | undefined {
  const event = body.event;
  if (event === undefined || (event.type !== 'message' && event.type !== 'app_mention')) return undefined;
  if (!USER_SUBTYPES.has(event.subtype) || event.hidden) return undefined;
  const { channel, user, ts } = event;
  if (channel === undefined || user === undefined || ts === undefined) return undefined;
  // Own posts come back as message events with our user id and bot id; other bots carry a bot_id.
  if (user === ctx.botUserId || event.bot_id !== undefined) return undefined;

  const raw = event.text ?? '';
  const isDirect = event.channel_type === 'im' || (event.channel_type === undefined && channel.startsWith('D'));
  const mentioned = event.type === 'app_mention' || raw.includes(`<@${ctx.botUserId}`);
  const inThread = event.thread_ts !== undefined && event.thread_ts !== ts;
  const mentionsBot = isDirect || mentioned || (inThread && ctx.inBotThread(channel, event.thread_ts!));
  // In channels every answer goes into a thread (under the message itself when it is top-level),
  // so the bot never adds top-level noise and a crisis note never lands in the main channel.
  const threadId = isDirect ? event.thread_ts : (event.thread_ts ?? ts);
  const communityId = body.team_id ?? event.team;

  return {
    id: `${channel}:${ts}`,
    conversation: {
      platform: 'slack',
      channelId: channel,
      ...(threadId === undefined ? {} : { threadId }),
      ...(communityId === undefined ? {} : { communityId }),
    },
    author: { id: user, displayName: ctx.names.get(user) ?? user, isBot: false, isSelf: false },
    text: plainText(raw, ctx.botUserId, ctx.names),
    isDirect,
    mentionsBot,
    receivedAt: new Date(Math.round(Number(ts) * 1000)),
  };
}
