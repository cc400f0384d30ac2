/**
 * The Discord adapter: a thin shell around a discord.js Client. Normalizing, rendering and
 * command mapping live in the pure files next to this one; this file wires the gateway
 * events to the core's handlers and the core's sends to REST.
 *
 * Delivery: the gateway may replay events after a RESUME. discord.js drops a replayed
 * MESSAGE_CREATE whose message is still cached, and the engine's SQLite dedupe on
 * InboundMessage.id (the message id) catches the rest, so a resume never answers twice.
 * With a store, a shard that moved, swapped or restarted also gets what it missed meanwhile
 * (shard-clients.ts).
 */
import { randomBytes } from 'node:crypto';
import { Events, RESTEvents, Routes, type APIMessage, type Client, type Message } from 'discord.js';
import { BotError } from '../../src/errors.js';
import { reachAtStart } from '../../src/ops/reach-at-start.js';
import type { Logger } from '../../src/logger.js';
import type { ConversationRef, OutboundMessage } from '../../src/messages.js';
import type { BotHandlers, GatewaySession, ModeratorSink, PlatformAdapter } from '../../src/ports.js';
import { BoundedMap } from '../shared/bounded.js';
import { DirectMemory } from '../shared/direct-memory.js';
import { TypingTimers } from '../shared/lifecycle.js';
import { createDiscordModeratorSink } from './moderator.js';
import { SLASH_COMMANDS } from './commands.js';
import type { DiscordAdapterConfig } from './config.js';
import { DiscordCodes, mapDiscordError } from './errors.js';
import { DISCORD_PLATFORM, normalizeDiscordMessage, payloadFromMessage } from './inbound.js';
import { configuredShards } from './gateway.js';
import { checkReplayHook, DiscordClients } from './shard-clients.js';
import { handleInteraction } from './interactions.js';
import { keyedNonces, messageBodies } from './outbound.js';
import { ShardLeases } from './shard-leases.js';
import type { IntakeMarks } from './intake-marks.js';

export type { DiscordAdapterConfig } from './config.js';

export interface DiscordAdapterDeps {
  logger: Logger;
}

/** Shard leases (several instances, shard-leases.ts): renewed this often, and lapsing after about three missed renewals. */
const SHARD_RENEW_MS = 5_000;
/** How often an instance below its share of shards looks for one handed over. */
const SHARD_CLAIM_MS = 1_000;
/** After Discord refuses a DM (50007), openDirect answers "closed" for this long instead of failing again. */
const DM_CLOSED_TTL_MS = 60 * 60 * 1000;

/** Bound on the in-memory DM maps: the oldest entries go first. */
const MAX_REMEMBERED = 50_000;

/** Discord's nonce is at most 25 characters; 16 random base64url characters are plenty. */
function nonce(): string {
  return randomBytes(12).toString('base64url');
}

class DiscordAdapter implements PlatformAdapter {
  readonly platform = DISCORD_PLATFORM;
  readonly moderatorSink?: ModeratorSink;
  /** The Client and its successors (shard-clients.ts). */
  private readonly clients: DiscordClients;
  /** Several instances without DISCORD_SHARD_IDS: this instance's share of the shards. */
  private shardLeases: ShardLeases | undefined;
  private commandsRegistered = false;
  private readonly log: Logger;
  private readonly answerAll: ReadonlySet<string>;
  private readonly typing = new TypingTimers();
  /** DM channel id → user id, to know whose DMs a refused send was (a losable index). */
  private readonly dmUsers = new BoundedMap<string, string>(MAX_REMEMBERED);
  /** Users' DM channels and refusals, written through to the store for every instance. */
  private readonly direct: DirectMemory;
  private stopping = false;
  /** Aborts the start-up retries when stop() comes first. */
  private starting: AbortController | undefined;

  constructor(private readonly config: DiscordAdapterConfig, deps: DiscordAdapterDeps) {
    // The composition root already binds platform=discord to this logger.
    this.log = deps.logger;
    this.direct = new DirectMemory({ closedForMs: DM_CLOSED_TTL_MS, maxRemembered: MAX_REMEMBERED, logger: this.log });
    this.answerAll = new Set(config.channelIds);
    this.clients = new DiscordClients(config, this.log);
    const moderatorChannelId = config.moderatorChannelId;
    if (moderatorChannelId !== undefined) {
      this.moderatorSink = createDiscordModeratorSink({
        post: async (body) => (await this.post(moderatorChannelId, body)).id,
        edit: async (messageId, body) => {
          await this.client.rest.patch(Routes.channelMessage(moderatorChannelId, messageId), { body });
        },
      });
    }
  }

  /** Replaced when the shards this instance runs change; always read at call time. */
  private get client(): Client {
    return this.clients.current;
  }

  async start(handlers: BotHandlers): Promise<void> {
    this.direct.book = handlers.directReach;
    // With a store, the Client is rebuilt with its gateway hooks before anything uses it.
    if (handlers.gateway !== undefined) {
      await this.clients.replace(configuredShards(this.config), handlers.gateway);
      checkReplayHook(this.client, this.log);
    }
    const client = this.client;
    client.rest.on(RESTEvents.RateLimited, (limit) =>
      this.log.debug('discord rate limit wait', { route: limit.route, retryAfterMs: limit.retryAfter, global: limit.global }),
    );

    // GET /gateway/bot (login's own first call) until Discord answers: an unreachable API is
    // named in the log within 10 s and retried, instead of login() hanging or failing silently.
    this.starting = new AbortController();
    client.rest.setToken(this.config.token);
    const gateway = await reachAtStart({
      platform: 'discord', api: this.config.apiUrl ?? 'https://discord.com/api', logger: this.log,
      attempt: (signal) => client.rest.get(Routes.gatewayBot(), { signal, auth: true }) as Promise<{ shards?: number }>,
      mapError: (error) => mapDiscordError(error, { stage: 'start' }), stopped: this.starting.signal,
    });
    const { leadership, liveInstances } = handlers;
    if (this.config.shardIds === undefined && leadership !== undefined && liveInstances !== undefined) {
      // Several instances on one database: each runs the shards whose leases it holds.
      const count = this.config.shardCount ?? Math.max(1, Number(gateway.shards) || 1);
      this.shardLeases = new ShardLeases({
        count, leadership, liveInstances, renewMs: SHARD_RENEW_MS, claimMs: SHARD_CLAIM_MS, logger: this.log,
        apply: (ids) => this.runShards(ids, count, handlers),
      });
      await this.shardLeases.start();
    } else {
      const count = this.config.shardCount ?? 1;
      const ids = this.config.shardIds ?? Array.from({ length: count }, (_, i) => i);
      const missed = await this.clients.storedSessions(ids, count, handlers.gateway);
      this.listen(client, handlers);
      await this.connect(client, missed, handlers);
    }
    await this.checkModeratorChannel();
  }

  /** Runs exactly `ids` on the gateway (none: only REST), on a new Client that takes over the REST manager. */
  private async runShards(ids: number[], count: number, handlers: BotHandlers): Promise<void> {
    const next = await this.clients.replace({ ids, count }, handlers.gateway);
    if (ids.length === 0 || this.stopping) return;
    // Read after the previous Client wrote its final sequences, before the new one's READY replaces them.
    const missed = await this.clients.storedSessions(ids, count, handlers.gateway);
    this.listen(next, handlers);
    await this.connect(next, missed, handlers);
  }

  private async connect(client: Client, missed: Map<number, GatewaySession>, handlers: BotHandlers): Promise<void> {
    const marks = this.clients.marks;
    await this.clients.connect(client, missed, (message) => this.take(message, handlers, marks));
    // Once per process: every instance registers the same set, so one is enough.
    if (!this.commandsRegistered) await this.registerCommands(client);
    this.commandsRegistered = true;
  }

  private listen(client: Client, handlers: BotHandlers): void {
    // With a store: the recorded sequence and channel marks wait for each message's intake.
    const marks = this.clients.marks;
    if (marks !== undefined) client.on(Events.Raw, (packet: { t?: unknown; s?: unknown; d?: unknown }, shard: number) => marks.arrived(packet, shard));
    client.on(Events.MessageCreate, (message) => {
      marks?.claim(message.id);
      if (this.clients.admit(message)) this.take(message, handlers, marks);
    });
    client.on(Events.InteractionCreate, (interaction) => {
      marks?.claim(interaction.id);
      void handleInteraction(interaction, { handlers, log: this.log }).finally(() => marks?.done(interaction.id));
    });
    // Discord closed the gateway for good (bad token, disallowed intents): the bot is deaf until restarted.
    client.on(Events.ShardDisconnect, (event, shard) => this.log.error('discord gateway closed for good', { shard, closeCode: event.code }));
    client.on(Events.ShardReconnecting, (shard) => {
      if (!this.stopping) this.log.info('discord gateway reconnecting', { shard });
    });
    client.on(Events.ShardResume, (shard, replayed) => this.log.info('discord gateway resumed', { shard, replayed }));
    client.on(Events.Error, (error) => this.log.error('discord client error', { code: mapDiscordError(error).code }));
  }

  /** Says loudly at startup when alerts could not reach the moderator channel. */
  private async checkModeratorChannel(): Promise<void> {
    const id = this.config.moderatorChannelId;
    if (id === undefined) return;
    try {
      await this.client.rest.get(Routes.channel(id));
    } catch (error) {
      this.log.error('discord moderator channel is not reachable: check DISCORD_MODERATOR_CHANNEL_ID and that the bot can view and post there', {
        channelId: id,
        code: mapDiscordError(error).code,
      });
    }
  }

  /** Slash commands are overwritten in bulk on every start, so the registered set always matches this build. */
  private async registerCommands(client: Client): Promise<void> {
    const application = client.application;
    if (!application) return;
    const targets = this.config.commandGuildIds.length > 0 ? this.config.commandGuildIds : [undefined];
    for (const guildId of targets) {
      try {
        const route = guildId === undefined
          ? Routes.applicationCommands(application.id)
          : Routes.applicationGuildCommands(application.id, guildId);
        await client.rest.put(route, { body: SLASH_COMMANDS });
      } catch (error) {
        // Missing the applications.commands scope must not stop the bot from answering messages.
        this.log.warn('discord slash command registration failed', { guildId, code: mapDiscordError(error).code });
      }
    }
  }

  /** Hands a message on; its shard's marks move past it once the core has it. */
  private take(message: Message, handlers: BotHandlers, marks: IntakeMarks | undefined): void {
    void this.onMessage(message, handlers).finally(() => marks?.done(message.id));
  }

  private async onMessage(message: Message, handlers: BotHandlers): Promise<void> {
    // The client that received it: with shard leases the adapter's client can change meanwhile.
    const client = message.client;
    const botUserId = client.user?.id;
    if (botUserId === undefined) return;
    try {
      const channel = message.channel;
      const guild = message.guild;
      const botRoleId = guild?.members.me?.roles.botRole?.id;
      const inbound = normalizeDiscordMessage(payloadFromMessage(message), {
        botUserId,
        botRoleIds: botRoleId ? [botRoleId] : [],
        answerAllChannelIds: this.answerAll,
        threadParentId: channel.isThread() ? (channel.parentId ?? undefined) : undefined,
        roleName: (id) => guild?.roles.cache.get(id)?.name,
        channelName: (id) => {
          const c = client.channels.cache.get(id);
          return c && 'name' in c && typeof c.name === 'string' ? c.name : undefined;
        },
      });
      if (inbound === undefined) return;
      if (inbound.isDirect) {
        this.dmUsers.set(inbound.conversation.channelId, inbound.author.id);
        // They can write to us, so they can hear from us again.
        this.direct.sawDirect(inbound.author.id, inbound.conversation.channelId);
      }
      await handlers.onMessage(inbound);
    } catch (error) {
      // One bad message is logged with its ids and never stops the client.
      this.log.error('discord message failed', { messageId: message.id, channelId: message.channelId, code: mapDiscordError(error).code });
    }
  }

  async send(message: OutboundMessage): Promise<{ id: string }> {
    const channelId = message.conversation.threadId ?? message.conversation.channelId;
    const bodies = messageBodies(message, keyedNonces(message, nonce));
    if (bodies.length === 0) throw new BotError('discord send: nothing to send after rendering', 'PLATFORM_BAD_REQUEST', { context: { channelId } });
    let last: { id: string } | undefined;
    for (const body of bodies) {
      try {
        last = await this.post(channelId, body);
      } catch (error) {
        const mapped = mapDiscordError(error, { channelId, kind: message.kind });
        if (mapped.context.discordCode === DiscordCodes.CannotSendToUser) this.markDmClosed(channelId);
        throw mapped;
      }
    }
    return last!;
  }

  /** Edits share the channel's send bucket (5 per 5 s): one per second leaves room for other sends. */
  readonly editIntervalMs = 1_000;

  /** A streamed reply's next text: PATCH the message; on the final edit, parts past 2000 chars follow. */
  async edit(message: OutboundMessage, id: string, final: boolean): Promise<void> {
    const channelId = message.conversation.threadId ?? message.conversation.channelId;
    const [first, ...rest] = messageBodies({ ...message, kind: 'reply' }, nonce);
    if (first === undefined) return;
    try {
      await this.client.rest.patch(Routes.channelMessage(channelId, id), {
        body: { content: first.content, allowed_mentions: first.allowed_mentions, flags: first.flags },
      });
      if (final) for (const body of rest) await this.post(channelId, body);
    } catch (error) {
      throw mapDiscordError(error, { channelId, kind: message.kind });
    }
  }

  private async post(channelId: string, body: object): Promise<{ id: string }> {
    const sent = (await this.client.rest.post(Routes.channelMessages(channelId), { body })) as APIMessage;
    return { id: sent.id };
  }

  private markDmClosed(channelId: string): void {
    const userId = this.dmUsers.get(channelId);
    if (userId !== undefined) this.direct.refused(userId);
  }

  async openDirect(userId: string): Promise<ConversationRef | undefined> {
    // Known here or to the store (another instance, or before a restart): no Discord call.
    const known = await this.direct.lookup(userId);
    if (known?.state === 'closed') return undefined;
    if (known?.state === 'open') {
      this.dmUsers.set(known.channelId, userId);
      return { platform: DISCORD_PLATFORM, channelId: known.channelId };
    }
    try {
      const dm = await this.client.users.createDM(userId);
      this.dmUsers.set(dm.id, userId);
      this.direct.opened(userId, dm.id);
      return { platform: DISCORD_PLATFORM, channelId: dm.id };
    } catch (error) {
      const mapped = mapDiscordError(error, { userId });
      // Unknown user or refused: DMs are impossible, which the engine handles without an exception.
      if (mapped.code === 'PLATFORM_PERMISSION' || mapped.context.discordCode === DiscordCodes.UnknownUser) return undefined;
      throw mapped;
    }
  }

  startTyping(conversation: ConversationRef): () => void {
    const channelId = conversation.threadId ?? conversation.channelId;
    const beat = (): void => {
      this.client.rest.post(Routes.channelTyping(channelId)).catch((error: unknown) =>
        this.log.debug('discord typing failed', { channelId, code: mapDiscordError(error).code }),
      );
    };
    // "typing…" lasts about 10 s; renewing every 8 s keeps it on while the model works.
    return this.typing.start(beat, this.config.typingIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.starting?.abort();
    this.typing.stopAll();
    // Shut resumably: whoever runs these shards next (another instance, or this one restarted)
    // catches up on what arrives meanwhile. With shard leases: disconnected first, then the
    // leases go, so the next holder never overlaps.
    const disconnect = () => this.clients.shutdown();
    if (this.shardLeases) await this.shardLeases.stop(disconnect);
    else await disconnect();
  }
}

/** The Discord adapter. Nothing connects until start(). */
export function createDiscordAdapter(config: DiscordAdapterConfig, deps: DiscordAdapterDeps): PlatformAdapter {
  return new DiscordAdapter(config, deps);
}
