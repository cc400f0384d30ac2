/**
 * Discord message → the core's InboundMessage. Pure: the input is a MESSAGE_CREATE payload in
 * Discord's own shape (recorded fixtures use it as is; index.ts builds it from a discord.js
 * Message with payloadFromMessage), plus the few facts only the cache knows (is the channel
 * a thread, what is a role or channel called).
 */
import type { Message } from 'discord.js';
import type { InboundMessage } from '../../src/messages.js';

export const DISCORD_PLATFORM = 'discord';

/** A user as Discord sends it (only the fields we read). */
export interface DiscordUserPayload {
  id: string;
  username: string;
  global_name?: string | null;
  bot?: boolean;
}

/** The MESSAGE_CREATE fields the adapter reads (discord-api-types APIMessage subset). */
export interface DiscordMessagePayload {
  id: string;
  channel_id: string;
  /** Absent in DMs. */
  guild_id?: string;
  /** 0 = default, 19 = reply; everything else is a system message (joins, pins, boosts). */
  type: number;
  author: DiscordUserPayload;
  /** Set for messages posted by a webhook (bridges, other integrations). */
  webhook_id?: string;
  member?: { nick?: string | null };
  content: string;
  timestamp: string;
  mentions: Array<DiscordUserPayload & { member?: { nick?: string | null } }>;
  mention_roles: string[];
  /** type 0 = reply, 1 = forward. */
  message_reference?: { message_id?: string; type?: number };
  referenced_message?: { author: DiscordUserPayload } | null;
}

/** What the cache knows about the message's surroundings. */
export interface DiscordInboundContext {
  botUserId: string;
  /** The bot's managed role in this guild: people often pick it from the @ menu by mistake. */
  botRoleIds?: readonly string[];
  /** Channels where every message is addressed to the bot (DISCORD_CHANNEL_IDS). */
  answerAllChannelIds: ReadonlySet<string>;
  /** The parent channel when the message was posted in a thread. */
  threadParentId?: string | undefined;
  roleName?: (roleId: string) => string | undefined;
  channelName?: (channelId: string) => string | undefined;
}

const HANDLED_TYPES = new Set([0, 19]);
const FORWARD = 1;

/** Returns undefined for messages the bot must not answer: its own, other bots', system messages, empty text. */
export function normalizeDiscordMessage(
  payload: DiscordMessagePayload,
  ctx: DiscordInboundContext,
): InboundMessage | undefined {
  if (payload.author.id === ctx.botUserId) return undefined;
  // Webhook posts carry bot: true; answering bots invites reply loops.
  if (payload.author.bot === true || payload.webhook_id !== undefined) return undefined;
  if (!HANDLED_TYPES.has(payload.type)) return undefined;

  const isDirect = payload.guild_id === undefined;
  const { text, mentioned } = plainText(payload, ctx);
  if (text === '') return undefined;

  const repliedToBot =
    payload.message_reference?.type !== FORWARD && payload.referenced_message?.author.id === ctx.botUserId;
  const listed =
    ctx.answerAllChannelIds.has(payload.channel_id) ||
    (ctx.threadParentId !== undefined && ctx.answerAllChannelIds.has(ctx.threadParentId));

  const conversation: InboundMessage['conversation'] =
    ctx.threadParentId !== undefined
      ? { platform: DISCORD_PLATFORM, channelId: ctx.threadParentId, threadId: payload.channel_id }
      : { platform: DISCORD_PLATFORM, channelId: payload.channel_id };
  if (payload.guild_id !== undefined) conversation.communityId = payload.guild_id;

  const at = new Date(payload.timestamp);
  return {
    id: payload.id,
    conversation,
    author: {
      id: payload.author.id,
      displayName: displayName(payload.author, payload.member),
      isBot: false,
      isSelf: false,
    },
    text,
    isDirect,
    // A DM is a conversation the bot answers in full, like a listed channel.
    mentionsBot: isDirect || mentioned || repliedToBot || listed,
    receivedAt: Number.isNaN(at.getTime()) ? new Date() : at,
  };
}

/** The name people see: server nickname, then display name, then username. */
export function displayName(user: DiscordUserPayload, member?: { nick?: string | null }): string {
  return member?.nick || user.global_name || user.username;
}

/**
 * Replaces Discord's mention markup with what a reader sees, so the model gets "@Sam" and not
 * "<@80351110224678912>", and removes mentions of the bot itself (they only address it).
 */
function plainText(payload: DiscordMessagePayload, ctx: DiscordInboundContext): { text: string; mentioned: boolean } {
  let mentioned = false;
  const users = new Map(payload.mentions.map((u) => [u.id, u]));
  const botRoles = new Set(ctx.botRoleIds ?? []);
  const text = payload.content
    // "@Oyster, can you…": drop the address together with its comma or colon.
    .replace(/<@!?(\d+)>\s*[,:]/g, (whole, id: string) => (id === ctx.botUserId ? '<@' + id + '>' : whole))
    .replace(/<@!?(\d+)>/g, (_, id: string) => {
      if (id === ctx.botUserId) {
        mentioned = true;
        return ' ';
      }
      const user = users.get(id);
      return user ? `@${displayName(user, user.member)}` : '@someone';
    })
    .replace(/<@&(\d+)>/g, (_, id: string) => {
      if (botRoles.has(id)) {
        mentioned = true;
        return ' ';
      }
      return `@${ctx.roleName?.(id) ?? 'role'}`;
    })
    .replace(/<#(\d+)>/g, (_, id: string) => `#${ctx.channelName?.(id) ?? 'channel'}`)
    .replace(/<a?:(\w{2,32}):\d+>/g, ':$1:')
    .replace(/<\/([\w -]{1,100}):\d+>/g, '/$1')
    .replace(/<t:(-?\d{1,13})(?::[tTdDfFR])?>/g, (whole, seconds: string) => {
      const d = new Date(Number(seconds) * 1000);
      return Number.isNaN(d.getTime()) ? whole : d.toISOString();
    })
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/^[ \t]+|[ \t]+$/gm, '')
    .trim();
  return { text, mentioned };
}

/**
 * A discord.js Message → the payload shape above. discord.js has already parsed the gateway
 * JSON into objects; this reads them back into the fields normalizeDiscordMessage needs.
 */
export function payloadFromMessage(message: Message): DiscordMessagePayload {
  const user = (u: Message['author']): DiscordUserPayload => ({
    id: u.id,
    username: u.username,
    global_name: u.globalName,
    bot: u.bot,
  });
  const payload: DiscordMessagePayload = {
    id: message.id,
    channel_id: message.channelId,
    type: message.type,
    author: user(message.author),
    content: message.content,
    timestamp: message.createdAt.toISOString(),
    mentions: message.mentions.users.map((u) => {
      const nick = message.mentions.members?.get(u.id)?.nickname;
      return nick ? { ...user(u), member: { nick } } : user(u);
    }),
    mention_roles: [...message.mentions.roles.keys()],
  };
  if (message.guildId !== null) payload.guild_id = message.guildId;
  if (message.webhookId !== null) payload.webhook_id = message.webhookId;
  if (message.member?.nickname) payload.member = { nick: message.member.nickname };
  if (message.reference) {
    payload.message_reference = { type: message.reference.type };
    if (message.reference.messageId !== undefined) payload.message_reference.message_id = message.reference.messageId;
  }
  if (message.mentions.repliedUser) payload.referenced_message = { author: user(message.mentions.repliedUser) };
  return payload;
}
