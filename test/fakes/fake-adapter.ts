/**
 * A platform adapter that lives in memory: tests push messages in with `receive` and read
 * what the bot sent from `sent`. It can pretend DMs are closed (no DM at all) or refused on
 * send (Discord and Telegram open the DM but reject the message), and records typing.
 */
import { BotError } from '../../src/errors.js';
import type { ConversationRef, InboundMessage, OutboundMessage } from '../../src/messages.js';
import type { AlertView, BotHandlers, ModeratorSink, PlatformAdapter } from '../../src/ports.js';

export interface FakeAdapterOptions {
  platform?: string;
  /** Users whose DMs are closed: openDirect answers undefined for them. */
  closedDms?: string[];
  /**
   * Users whose DM opens but refuses every message: send to it throws BotError
   * PLATFORM_PERMISSION, as Discord (50007) and Telegram (403) do only when the message is sent.
   */
  refusedDms?: string[];
  /** Give the adapter a moderator channel of its own. */
  withModeratorChannel?: boolean;
  /**
   * Runs inside start(), before it resolves, with the bot's handlers: a platform that delivers
   * messages while the bot is still starting (Telegram's first getUpdates, a Slack retry).
   */
  whileStarting?: (handlers: BotHandlers, adapter: FakeAdapter) => Promise<void>;
}

export class FakeAdapter implements PlatformAdapter {
  readonly platform: string;
  readonly sent: OutboundMessage[] = [];
  readonly alerts: AlertView[] = [];
  readonly typing: ConversationRef[] = [];
  /** Messages a refused DM did not accept (never in `sent`). */
  readonly refused: OutboundMessage[] = [];
  /** While true, every send fails as a platform outage would (BotError PLATFORM_NETWORK). */
  outage = false;
  /**
   * What an outage failure tells the sender to wait before its next quick try, as a platform's
   * retry-after does; undefined leaves the sender's own backoff (about 5 s over its quick tries).
   * For tests about what follows the quick tries, which need not wait them out.
   */
  outageRetryAfterMs: number | undefined = undefined;
  /** Sends that failed during an outage (never in `sent`). */
  readonly failedSends: OutboundMessage[] = [];
  /** The next this-many sends fail as a connection reset would (BotError PLATFORM_NETWORK), then sends work. */
  failNextSends = 0;
  /** Awaited before a send is taken: a test holds a send in flight with it (a slow platform). */
  beforeSend: ((message: OutboundMessage) => Promise<void>) | undefined;
  readonly moderatorSink?: ModeratorSink;
  private handlers: BotHandlers | undefined;
  private seq = 0;

  constructor(private readonly options: FakeAdapterOptions = {}) {
    this.platform = options.platform ?? 'fake';
    if (options.withModeratorChannel) {
      this.moderatorSink = {
        name: `${this.platform}-moderators`,
        deliver: async (alert) => {
          this.alerts.push(alert);
          return { ref: `alert-${alert.alertId}` };
        },
      };
    }
  }

  async start(handlers: BotHandlers): Promise<void> {
    this.handlers = handlers;
    await this.options.whileStarting?.(handlers, this);
  }

  async send(message: OutboundMessage): Promise<{ id: string }> {
    await this.beforeSend?.(message);
    if (this.outage || (this.failNextSends > 0 && this.failNextSends-- > 0)) {
      this.failedSends.push(message);
      throw new BotError('platform unreachable', 'PLATFORM_NETWORK', this.outageRetryAfterMs === undefined ? {} : { retryAfterMs: this.outageRetryAfterMs });
    }
    const refusing = this.options.refusedDms?.find((u) => message.conversation.channelId === `dm-${u}`);
    if (refusing !== undefined) {
      this.refused.push(message);
      throw new BotError('cannot send messages to this user', 'PLATFORM_PERMISSION', { context: { userId: refusing } });
    }
    this.sent.push(message);
    return { id: `out-${++this.seq}` };
  }

  async openDirect(userId: string): Promise<ConversationRef | undefined> {
    if (this.options.closedDms?.includes(userId)) return undefined;
    return { platform: this.platform, channelId: `dm-${userId}` };
  }

  startTyping(conversation: ConversationRef): () => void {
    this.typing.push(conversation);
    return () => undefined;
  }

  async stop(): Promise<void> {
    this.handlers = undefined;
  }

  /** Delivers a message as the platform would; resolves when the bot is done with it. */
  async receive(partial: Partial<InboundMessage> & { text: string; userId?: string }): Promise<void> {
    if (!this.handlers) throw new Error('FakeAdapter.receive before start');
    const userId = partial.userId ?? 'u1';
    const isDirect = partial.isDirect ?? true;
    const receipt = await this.handlers.onMessage({
      id: partial.id ?? `in-${++this.seq}`,
      conversation: partial.conversation ?? (isDirect ? { platform: this.platform, channelId: `dm-${userId}` } : { platform: this.platform, channelId: 'general', communityId: 'guild-1' }),
      author: partial.author ?? { id: userId, displayName: `user ${userId}`, isBot: false, isSelf: false },
      text: partial.text,
      isDirect,
      mentionsBot: partial.mentionsBot ?? isDirect,
      receivedAt: partial.receivedAt ?? new Date(),
    });
    await receipt.handled;
  }

  /** A command in the actor's DM, or with `inGroup`, in the community's shared channel (as receive() uses). */
  command(name: string, args: string[] = [], actor = { id: 'u1', displayName: 'user u1', roleIds: [] as string[] }, inGroup = false) {
    if (!this.handlers) throw new Error('FakeAdapter.command before start');
    const conversation = inGroup
      ? { platform: this.platform, channelId: 'general', communityId: 'guild-1' }
      : { platform: this.platform, channelId: `dm-${actor.id}` };
    return this.handlers.onCommand({ name, args, actor, conversation, isDirect: !inGroup });
  }

  /** Texts sent into one conversation, in order. */
  textsIn(channelId: string): string[] {
    return this.sent.filter((m) => m.conversation.channelId === channelId).map((m) => m.text);
  }
}
