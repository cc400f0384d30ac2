/**
 * MESSAGE_CREATE payloads (the gateway's `d`) in the shape Discord sends them on API v10,
 * for the pure inbound tests and the contract suite. Ids are made up; field sets follow
 * discord-api-types' GatewayMessageCreateDispatchData.
 */
import type { DiscordInboundContext, DiscordMessagePayload } from '../../adapters/discord/inbound.js';
import type { AlertView } from '../../src/ports.js';

export const BOT_ID = '1100000000000000001';
export const BOT_ROLE_ID = '1300000000000000002';
export const GUILD_ID = '1000000000000000001';
export const GENERAL = '1200000000000000001';
export const LISTED = '1200000000000000002';
export const THREAD = '1200000000000000004';
export const DM_CHANNEL = '1200000000000000099';

export const botUser = { id: BOT_ID, username: 'oyster', global_name: 'Oyster', discriminator: '0', avatar: null, bot: true };
export const alice = { id: '1500000000000000001', username: 'alice_w', global_name: 'Alice', discriminator: '0', avatar: null };
export const bob = { id: '1500000000000000002', username: 'bobby', global_name: null, discriminator: '0', avatar: null };

const memberOf = (nick: string | null = null) => ({
  roles: [], nick, avatar: null, premium_since: null, joined_at: '2024-05-01T10:00:00.000000+00:00',
  pending: false, deaf: false, mute: false, flags: 0, communication_disabled_until: null,
});

let next = 1600000000000000000n;

/** A guild text message; `extra` overrides or adds fields. */
export function guildMessage(author: Record<string, unknown>, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 0, tts: false, timestamp: '2025-03-14T09:26:53.589000+00:00', pinned: false, nonce: '1349999999999999999',
    mentions: [], mention_roles: [], mention_everyone: false, member: memberOf(), id: String(next++), flags: 0,
    embeds: [], edited_timestamp: null, content, components: [], channel_type: 0, channel_id: GENERAL,
    author, attachments: [], guild_id: GUILD_ID, ...extra,
  };
}

/** A DM to the bot: no guild_id, no member, channel_type 1. */
export function directMessage(author: Record<string, unknown>, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 0, tts: false, timestamp: '2025-03-14T09:30:00.000000+00:00', pinned: false, mentions: [], mention_roles: [],
    mention_everyone: false, id: String(next++), flags: 0, embeds: [], edited_timestamp: null, content, components: [],
    channel_type: 1, channel_id: DM_CHANNEL, author, attachments: [], ...extra,
  };
}

/** Mentioned users carry a partial member (nick, roles) in guild messages. */
export function mentionOf(user: Record<string, unknown>, nick: string | null = null): Record<string, unknown> {
  return { ...user, member: memberOf(nick) };
}


/** A reply to one of the bot's messages: type 19 with the referenced message inlined. */
export function replyToBot(author: Record<string, unknown>, content: string): Record<string, unknown> {
  const referenced = guildMessage(botUser, 'an earlier answer');
  return guildMessage(author, content, {
    type: 19,
    message_reference: { type: 0, channel_id: GENERAL, guild_id: GUILD_ID, message_id: referenced.id },
    referenced_message: referenced,
    mentions: [mentionOf(botUser)],
  });
}

export const BOT_MENTION = `<@${BOT_ID}>`;

export function context(overrides: Partial<DiscordInboundContext> = {}): DiscordInboundContext {
  return {
    botUserId: BOT_ID,
    botRoleIds: [BOT_ROLE_ID],
    answerAllChannelIds: new Set([LISTED]),
    roleName: (id) => (id === '1300000000000000001' ? 'Moderators' : undefined),
    channelName: (id) => (id === LISTED ? 'ask-oyster' : id === GENERAL ? 'general' : undefined),
    ...overrides,
  };
}

export const asPayload = (raw: unknown) => raw as DiscordMessagePayload;

/** An alert as the core hands it to the moderator sink. */
export function alertView(overrides: Partial<AlertView> = {}): AlertView {
  return {
    caseId: 12, alertId: 40, kind: 'new', level: 'high', priority: 'high', status: 'open', reasons: ['plan', 'timeframe'],
    platform: 'discord', conversation: { platform: 'discord', channelId: '1200000000000000001', communityId: '1000000000000000001' },
    isDirect: false, user: { id: '1500000000000000001', displayName: 'Alice @everyone' }, excerpt: 'I cannot do this <@1> anymore',
    country: 'US', resourcesSent: ['us-988'], reachedPrivately: true, policyVersion: 'abc123', createdAt: '2025-03-14T09:30:00.000Z',
    ...overrides,
  };
}
