/**
 * The discord.js Client an adapter runs, across the Clients that replace it when its shard set
 * changes (shard leases) or when it starts with a store. With a store (BotHandlers.gateway) a
 * shard's session outlives the Client that ran it:
 *
 * - each session is recorded in the store while it runs (sessions.ts);
 * - a Client is shut resumably, so Discord keeps collecting its shards' events;
 * - the next Client to run a shard — after a move to this instance, a swap, or a restart —
 *   logs in with a session of its own, then resumes the shard's recorded session beside it
 *   (catch-up.ts) and takes the events Discord replays as if they had arrived live.
 *
 * When Discord no longer keeps the recorded session (Invalid Session), the shard's recent
 * channels are read through REST after their stored marks instead (rest-catch-up.ts).
 *
 * Live messages that arrive while a catch-up runs are held and handed on after the replayed
 * ones, so one person's messages still reach the engine in the order they were sent.
 */
import { version as DISCORD_JS_VERSION, type Client, type Message } from 'discord.js';
import type { Logger } from '../../src/logger.js';
import type { ChannelMark, GatewayBook, GatewaySession } from '../../src/ports.js';
import { catchUpSession, type CatchUpOutcome, type ReplayedEvent } from './catch-up.js';
import { readMissedHistory, RECENT_CHANNELS_MS } from './rest-catch-up.js';
import type { DiscordAdapterConfig } from './config.js';
import { configuredShards, loginAndWait, newDiscordClient, swapClient, type ShardSet } from './gateway.js';
import { gatewayHooks, type GatewayHooks } from './sessions.js';
import type { IntakeMarks } from './intake-marks.js';

/** What discord.js 14's internal WebSocketManager.handlePacket looks like: the replay's way into a Client. */
type PacketHandler = (packet: object, shard: unknown) => boolean;

/**
 * The Client's own packet handling, which a replayed event is fed through, or undefined when the
 * installed discord.js lacks it. It is internal to discord.js 14 (pinned in package.json), so an
 * upgrade could drop it; test/discord/replay-hook.test.ts fails loudly if the installed one does.
 */
export function packetHandlerOf(client: Pick<Client, 'ws'>): PacketHandler | undefined {
  const ws = client.ws as unknown as { handlePacket?: unknown };
  return typeof ws.handlePacket === 'function' ? (ws.handlePacket as PacketHandler).bind(ws) : undefined;
}

/** At start, with a store: says once, clearly, when a moved or restarted shard could not replay what it missed. */
export function checkReplayHook(client: Pick<Client, 'ws'>, log: Logger): boolean {
  if (packetHandlerOf(client) !== undefined) return true;
  log.error('discord.js has no WebSocketManager.handlePacket: a moved or restarted shard cannot replay the messages it missed; install the discord.js version pinned in package.json', {
    discordJs: DISCORD_JS_VERSION,
  });
  return false;
}

/** A catch-up that has not finished by then is given up: its events are lost, as without one. */
const CATCH_UP_TIMEOUT_MS = 15_000;
/** How long the new session's recording waits for the catch-up's messages to be taken. */
const TAKEN_WAIT_MS = 60_000;
/** What a catch-up hands to the new Client: the events the bot acts on. State changes are in its own READY already. */
const REPLAYED = new Set(['MESSAGE_CREATE', 'INTERACTION_CREATE']);

export class DiscordClients {
  /** The Client running now; replaced by `replace`, so always read at call time. */
  current: Client;
  /** The store's hooks on the current Client's gateway (none without a store). */
  private hooks: GatewayHooks | undefined;
  /** While a new Client catches up: its live messages, handed on after the replayed ones. */
  private held: Message[] | undefined;
  /** True while a replayed event is being dispatched, so it passes the hold. */
  private replaying = false;
  /** Ids of the messages the catch-up replayed, so the history read hands none on twice. */
  private replayedIds = new Set<string>();
  /** The store's gateway rows, when the bot has a store. */
  private book: GatewayBook | undefined;

  constructor(private readonly config: DiscordAdapterConfig, private readonly log: Logger) {
    this.current = newDiscordClient(config, configuredShards(config));
  }

  /**
   * A new Client for `shards` takes over: the current one is shut resumably (its final
   * sequences written) and hands over its REST manager, so sends in flight keep their queue.
   */
  async replace(shards: ShardSet, book: GatewayBook | undefined): Promise<Client> {
    const previousHooks = this.hooks;
    this.book = book;
    this.hooks = book === undefined ? undefined : gatewayHooks(book, this.log);
    const next = newDiscordClient(this.config, shards, this.hooks?.ws);
    const previous = this.current;
    this.current = next;
    await previousHooks?.closeResumably();
    await swapClient(previous, next);
    // A failed login destroys its client, which clears the shared REST manager's token: set it again.
    next.rest.setToken(this.config.token);
    return next;
  }

  /** What the current Client's shards are taking (none without a store). */
  get marks(): IntakeMarks | undefined {
    return this.hooks?.marks;
  }

  /** The sessions last recorded for `ids` that a catch-up could resume (same shard count). */
  async storedSessions(ids: number[], count: number, book: GatewayBook | undefined): Promise<Map<number, GatewaySession>> {
    const found = new Map<number, GatewaySession>();
    if (book === undefined) return found;
    for (const id of ids) {
      const session = await book.session(id).catch(() => undefined);
      if (session !== undefined && session.shardCount === count) found.set(id, session);
    }
    return found;
  }

  /** Logs `client` in, catches its shards up on `missed`, then hands the held live messages to `deliver`. */
  async connect(client: Client, missed: Map<number, GatewaySession>, deliver: (message: Message) => void): Promise<void> {
    this.held = missed.size > 0 ? [] : undefined;
    this.replayedIds = new Set();
    // Read before login: the new Client's own messages move the marks past what was missed.
    const marks = await this.storedMarks([...missed.keys()]);
    const hooks = this.hooks;
    hooks?.holdSessions([...missed.keys()]);
    let handedOn: string[] = [];
    try {
      await loginAndWait(client, this.config.token);
      this.log.info('discord ready', { botUserId: client.user?.id, guilds: client.guilds.cache.size, shards: client.options.shards });
      const outcomes = await Promise.all([...missed].map(async ([shard, session]) => [shard, await this.catchUp(client, shard, session)] as const));
      // Nothing (or not all) could be replayed: read what the shard's recent channels hold.
      const unreplayed = outcomes.filter(([, outcome]) => outcome !== 'replayed').map(([shard]) => [shard, marks.get(shard) ?? []] as const);
      if (unreplayed.some(([, list]) => list.length > 0)) await this.readHistory(client, new Map(unreplayed), deliver);
    } finally {
      handedOn = [...this.replayedIds, ...(this.held ?? []).map((m) => m.id)];
      this.release(deliver);
    }
    this.hooks?.onSessionReplaced((shard) => void this.afterLoss(client, shard, deliver));
    if (hooks !== undefined && missed.size > 0) void this.recordWhenTaken(hooks, handedOn);
  }

  /**
   * The new sessions of shards that caught up are recorded once everything the catch-up handed
   * on (and the live messages held meanwhile) is taken; until then a crash leaves the previous
   * session in the store, which the catch-up left resumable, so the next holder replays it all.
   * An intake that never finishes (the store is down) is not waited for past TAKEN_WAIT_MS.
   */
  private async recordWhenTaken(hooks: GatewayHooks, ids: string[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), TAKEN_WAIT_MS);
      timer.unref();
    });
    const timedOut = await Promise.race([hooks.marks.whenTaken(ids).then(() => false), late]);
    clearTimeout(timer);
    if (timedOut) this.log.warn('discord catch-up messages not all taken in time; recording the new session anyway', { pending: ids.length });
    await hooks.releaseSessions();
  }

  /**
   * Discord dropped a shard's session while this Client ran it, and the Client identified anew:
   * the shard's channels are read after what was taken in each, with live messages held meanwhile.
   */
  private async afterLoss(client: Client, shard: number, deliver: (message: Message) => void): Promise<void> {
    const marks = this.hooks?.marks.marksOf(shard) ?? [];
    if (marks.length === 0 || this.held !== undefined || client !== this.current) return;
    this.held = [];
    this.replayedIds = new Set();
    this.log.warn('discord shard lost its session while running; reading its channels for what was missed', { shard, channels: marks.length });
    try {
      await this.readHistory(client, new Map([[shard, marks]]), deliver);
    } finally {
      this.release(deliver);
    }
  }

  /** Hands on the live messages held during a catch-up, in the order they came. */
  private release(deliver: (message: Message) => void): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const message of held) deliver(message);
  }

  /** Reads each shard's channels after their marks and hands on what is new, once. */
  private async readHistory(client: Client, byShard: Map<number, readonly ChannelMark[]>, deliver: (message: Message) => void): Promise<void> {
    const seen = new Set([...this.replayedIds, ...(this.held ?? []).map((m) => m.id)]);
    const shardOf = new Map([...byShard].flatMap(([shard, list]) => list.map((m) => [m.channelId, shard] as const)));
    const marks = [...byShard.values()].flat();
    const fresh = (await readMissedHistory(client, marks, this.log)).filter((m) => !seen.has(m.id));
    this.log.info('discord shard read what it missed from channel history', { channels: marks.length, messages: fresh.length });
    for (const message of fresh) {
      // Counted as handed on: the channel's mark stays below it until it is taken.
      this.hooks?.marks.replayed(message.id, shardOf.get(message.channelId) ?? 0, message.channelId, true);
      this.replayedIds.add(message.id);
      deliver(message);
    }
  }

  /** The channel marks of `ids` seen lately, per shard; none without a store or when it cannot answer. */
  private async storedMarks(ids: number[]): Promise<Map<number, ChannelMark[]>> {
    const found = new Map<number, ChannelMark[]>();
    const book = this.book;
    if (book === undefined) return found;
    const since = Date.now() - RECENT_CHANNELS_MS;
    for (const id of ids) {
      try {
        found.set(id, await book.channelMarks(id, since));
      } catch (error) {
        this.log.warn('discord channel marks not readable in the store', { shard: id, error: String(error) });
      }
    }
    return found;
  }

  /** Whether a live message goes on now; false: it is held until the catch-up is done. */
  admit(message: Message): boolean {
    if (this.held === undefined || this.replaying) return true;
    this.held.push(message);
    return false;
  }

  /** Shut resumably: whoever runs these shards next (another instance, or this one restarted) catches up. */
  async shutdown(): Promise<void> {
    await this.hooks?.closeResumably();
    await this.current.destroy();
  }

  private async catchUp(client: Client, shard: number, session: GatewaySession): Promise<CatchUpOutcome> {
    const { outcome, events, closeCode } = await catchUpSession({
      session, token: this.config.token, timeoutMs: CATCH_UP_TIMEOUT_MS,
      onEvent: (event) => this.replay(client, shard, event),
    });
    const fields = { shard, outcome, events, closeCode };
    if (outcome === 'failed') this.log.warn('discord shard could not catch up on its previous session', fields);
    else this.log.info('discord shard caught up on its previous session', fields);
    return outcome;
  }

  /**
   * Feeds one replayed event through the Client's own packet handling, so it becomes the same
   * Message or Interaction a live one would. handlePacket is internal to discord.js 14 (pinned
   * in package.json); without it the replay is skipped and logged, never guessed at.
   */
  private replay(client: Client, shard: number, event: ReplayedEvent): void {
    if (!REPLAYED.has(event.t)) return;
    const handlePacket = packetHandlerOf(client);
    const target = client.ws.shards.get(shard);
    if (handlePacket === undefined || target === undefined) {
      this.log.error('discord replayed event could not be handed to the client', { shard, type: event.t });
      return;
    }
    const d = event.d as { id?: unknown; channel_id?: unknown } | null;
    if (typeof d?.id === 'string') {
      this.replayedIds.add(d.id);
      // Tracked like a live packet: the adapter claims it in this same call, and it counts as handed on until taken.
      this.hooks?.marks.replayed(d.id, shard, event.t === 'MESSAGE_CREATE' && typeof d.channel_id === 'string' ? d.channel_id : undefined, false);
    }
    this.replaying = true;
    try {
      handlePacket({ op: 0, t: event.t, s: event.s, d: event.d }, target);
    } finally {
      this.replaying = false;
    }
  }
}
