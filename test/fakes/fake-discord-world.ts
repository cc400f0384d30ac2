/**
 * The little Discord the fake serves: one guild with a few channels, a thread, roles and
 * users (plus, for sharding tests, more guilds of one text channel each), and builders for the gateway payloads (GUILD_CREATE, MESSAGE_CREATE, interactions)
 * in the shape Discord sends them.
 */

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: '0';
  avatar: null;
  bot?: boolean;
}

export interface FakeWorld {
  bot: FakeUser;
  guild: { id: string; name: string };
  channels: { general: string; listed: string; moderators: string; thread: string };
  roles: { moderator: string; bot: string };
  users: FakeUser[];
  /** Guild role ids per user id (beyond @everyone). */
  memberRoles: Record<string, string[]>;
  /** More guilds, each with one text channel (sharding: a guild's events go to its shard only). */
  extraGuilds?: Array<{ id: string; name: string; channelId: string }>;
}

const user = (id: string, username: string, global_name: string | null, bot = false): FakeUser => ({
  id, username, global_name, discriminator: '0', avatar: null, ...(bot ? { bot: true } : {}),
});

export const DEFAULT_WORLD: FakeWorld = {
  bot: user('400000000000000001', 'oyster', 'Oyster', true),
  guild: { id: '100000000000000001', name: 'Tide Pool' },
  channels: {
    general: '200000000000000001',
    listed: '200000000000000002',
    moderators: '200000000000000003',
    thread: '200000000000000004',
  },
  roles: { moderator: '300000000000000001', bot: '300000000000000002' },
  users: [
    user('500000000000000001', 'alice', 'Alice'),
    user('500000000000000002', 'bob', 'Bob'),
    user('500000000000000009', 'otherbot', 'Other Bot', true),
  ],
  memberRoles: { '500000000000000002': ['300000000000000001'] },
};

/** A user of the default world by username. */
export function fakeUser(world: FakeWorld, username: string): FakeUser {
  const found = world.users.find((u) => u.username === username);
  if (!found) throw new Error(`no fake user ${username}`);
  return found;
}

const NOW = () => new Date().toISOString();

function member(world: FakeWorld, u: FakeUser, nick: string | null = null): Record<string, unknown> {
  return { roles: world.memberRoles[u.id] ?? [], nick, joined_at: NOW(), deaf: false, mute: false, flags: 0, avatar: null };
}

function role(id: string, name: string, position: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name, permissions: '0', position, color: 0, hoist: false, managed: false, mentionable: false, flags: 0, ...extra };
}

/** Every guild of the world, the main one first. */
export function guildsOf(world: FakeWorld): Array<{ id: string; name: string }> {
  return [world.guild, ...(world.extraGuilds ?? [])];
}

/** The guild a channel belongs to: an extra guild's channel, else the main guild. */
export function guildIdOfChannel(world: FakeWorld, channelId: string): string {
  return world.extraGuilds?.find((g) => g.channelId === channelId)?.id ?? world.guild.id;
}

/** GUILD_CREATE of the main guild, or of an extra guild by id. */
export function buildGuild(world: FakeWorld, guildId = world.guild.id): Record<string, unknown> {
  const extra = world.extraGuilds?.find((g) => g.id === guildId);
  if (extra !== undefined) return buildExtraGuild(world, extra);
  const g = world.guild;
  const text = (id: string, name: string, position: number) => ({ id, type: 0, name, guild_id: g.id, position, permission_overwrites: [], parent_id: null });
  return {
    id: g.id, name: g.name, icon: null, owner_id: world.users[0]!.id, afk_timeout: 300, verification_level: 0,
    default_message_notifications: 0, explicit_content_filter: 0, mfa_level: 0, system_channel_flags: 0,
    premium_tier: 0, preferred_locale: 'en-US', nsfw_level: 0, features: [], emojis: [], stickers: [],
    joined_at: NOW(), large: false, unavailable: false, member_count: world.users.length + 1,
    roles: [
      role(g.id, '@everyone', 0),
      role(world.roles.moderator, 'Moderators', 1),
      role(world.roles.bot, 'Oyster', 2, { managed: true, tags: { bot_id: world.bot.id } }),
    ],
    channels: [
      text(world.channels.general, 'general', 0),
      text(world.channels.listed, 'ask-oyster', 1),
      text(world.channels.moderators, 'mod-alerts', 2),
    ],
    threads: [{
      id: world.channels.thread, type: 11, name: 'a thread', guild_id: g.id, parent_id: world.channels.general,
      owner_id: world.users[0]!.id, member_count: 2, message_count: 0,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: NOW(), locked: false },
    }],
    members: [{ ...member(world, world.bot), user: world.bot, roles: [world.roles.bot] }],
    voice_states: [], presences: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
  };
}

function buildExtraGuild(world: FakeWorld, g: { id: string; name: string; channelId: string }): Record<string, unknown> {
  return {
    id: g.id, name: g.name, icon: null, owner_id: world.users[0]!.id, afk_timeout: 300, verification_level: 0,
    default_message_notifications: 0, explicit_content_filter: 0, mfa_level: 0, system_channel_flags: 0,
    premium_tier: 0, preferred_locale: 'en-US', nsfw_level: 0, features: [], emojis: [], stickers: [],
    joined_at: NOW(), large: false, unavailable: false, member_count: world.users.length + 1,
    roles: [role(g.id, '@everyone', 0)],
    channels: [{ id: g.channelId, type: 0, name: 'general', guild_id: g.id, position: 0, permission_overwrites: [], parent_id: null }],
    threads: [],
    members: [{ ...member(world, world.bot), user: world.bot, roles: [] }],
    voice_states: [], presences: [], stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
  };
}

export interface MessageSpec {
  from: FakeUser;
  content: string;
  /** A DM to the bot (no guild). */
  dm?: boolean;
  /** Guild channel (default: general). */
  channelId?: string;
  /** Server nickname of the author. */
  nick?: string;
  /** Reply to an earlier message. */
  replyTo?: { id: string; author: FakeUser };
  /** Reuse an id (a redelivery). */
  id?: string;
}

/** A MESSAGE_CREATE `d` as Discord sends it; mentions are resolved from `<@id>` in the content. */
export function messagePayload(world: FakeWorld, spec: MessageSpec, newId: string): Record<string, any> {
  const everyone = [world.bot, ...world.users];
  const mentioned = [...spec.content.matchAll(/<@!?(\d+)>/g)]
    .map((m) => everyone.find((u) => u.id === m[1]))
    .filter((u): u is FakeUser => u !== undefined);
  if (spec.replyTo) mentioned.push(spec.replyTo.author);
  const mentions = [...new Map(mentioned.map((u) => [u.id, u])).values()].map((u) =>
    spec.dm ? u : { ...u, member: member(world, u) },
  );
  const d: Record<string, any> = {
    id: spec.id ?? newId,
    channel_id: spec.dm ? String(BigInt(spec.from.id) + 1n) : (spec.channelId ?? world.channels.general),
    type: spec.replyTo ? 19 : 0,
    author: spec.from,
    content: spec.content,
    timestamp: NOW(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions,
    mention_roles: [...spec.content.matchAll(/<@&(\d+)>/g)].map((m) => m[1]),
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    flags: 0,
  };
  if (spec.dm) {
    // discord.js needs channel_type 1 to build the uncached DM channel (PLATFORMS.md §3.2).
    d.channel_type = 1;
  } else {
    d.guild_id = guildIdOfChannel(world, d.channel_id);
    d.member = member(world, spec.from, spec.nick ?? null);
  }
  if (spec.replyTo) {
    d.message_reference = { type: 0, message_id: spec.replyTo.id, channel_id: d.channel_id, ...(spec.dm ? {} : { guild_id: d.guild_id }) };
    d.referenced_message = {
      id: spec.replyTo.id, channel_id: d.channel_id, type: 0, author: spec.replyTo.author, content: '', timestamp: NOW(),
      edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [],
      embeds: [], components: [], pinned: false, flags: 0,
    };
  }
  return d;
}

export interface InteractionSpec {
  id: string;
  token: string;
  from: FakeUser;
  channelId?: string;
  dm?: boolean;
  /** The presser's Discord client language (interaction.locale); en-US when not given. */
  locale?: string;
}

function interactionBase(world: FakeWorld, spec: InteractionSpec): Record<string, any> {
  const channelId = spec.channelId ?? (spec.dm ? String(BigInt(spec.from.id) + 1n) : world.channels.general);
  const base: Record<string, any> = {
    id: spec.id, token: spec.token, application_id: world.bot.id, version: 1, locale: spec.locale ?? 'en-US',
    app_permissions: '2248473465835073', entitlements: [], authorizing_integration_owners: { 0: world.guild.id },
    attachment_size_limit: 10_485_760,
    channel: spec.dm
      ? { id: channelId, type: 1, recipients: [spec.from], last_message_id: null, flags: 0 }
      : { id: channelId, type: 0, name: 'general', guild_id: world.guild.id, position: 0, permission_overwrites: [], flags: 0 },
    channel_id: channelId,
  };
  if (spec.dm) {
    base.user = spec.from;
    base.context = 1;
  } else {
    base.guild_id = world.guild.id;
    base.guild_locale = 'en-US';
    base.member = { ...member(world, spec.from), user: spec.from, permissions: '2248473465835073' };
    base.context = 0;
  }
  return base;
}

/** A chat-input command: options as [{ name, type, value }] or one subcommand with options. */
export function slashPayload(world: FakeWorld, spec: InteractionSpec & { name: string; options?: unknown[] }): Record<string, any> {
  return {
    ...interactionBase(world, spec),
    type: 2,
    data: { id: '900000000000000000', name: spec.name, type: 1, options: spec.options ?? [] },
  };
}

/** A button press on a message the bot posted. */
export function buttonPayload(
  world: FakeWorld,
  spec: InteractionSpec & { customId: string; message: { id: string; channelId: string; content?: string } },
): Record<string, any> {
  return {
    ...interactionBase(world, { ...spec, channelId: spec.message.channelId }),
    type: 3,
    data: { custom_id: spec.customId, component_type: 2 },
    message: {
      id: spec.message.id, channel_id: spec.message.channelId, type: 0, author: world.bot, content: spec.message.content ?? '',
      timestamp: NOW(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [],
      attachments: [], embeds: [], components: [], pinned: false, flags: 0,
    },
  };
}
